namespace KubeAgents.Application.Common.Exceptions;

/// <summary>
/// The service cannot take the request now (its write queue is full); the Api answers 503
/// <c>unavailable</c> with <c>Retry-After</c>. Nothing was changed.
/// </summary>
public sealed class ServiceUnavailableException : Exception
{
    public ServiceUnavailableException()
    {
    }

    public ServiceUnavailableException(string message)
        : base(message)
    {
    }

    public ServiceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>When the client may try again.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);
}
