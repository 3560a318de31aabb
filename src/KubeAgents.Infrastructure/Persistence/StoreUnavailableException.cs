namespace KubeAgents.Infrastructure.Persistence;

/// <summary>
/// The store did not answer within <c>DB_STARTUP_TIMEOUT</c>. Start-up stops with this message (one
/// line: the store, the timeout and the last cause); each attempt before it was logged on its own line.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException()
    {
    }

    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
