namespace KubeAgents.Application.Common.Settings;

/// <summary>A setting has a value the service cannot run with. Start-up stops with this message, which names the setting.</summary>
public sealed class InvalidConfigurationException : Exception
{
    public InvalidConfigurationException()
    {
    }

    public InvalidConfigurationException(string message)
        : base(message)
    {
    }

    public InvalidConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
