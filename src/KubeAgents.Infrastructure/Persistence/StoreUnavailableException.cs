namespace KubeAgents.Infrastructure.Persistence;

/// <summary>
/// The store cannot be used: it did not answer within <c>DB_STARTUP_TIMEOUT</c>, or it refused the
/// service's login. Start-up stops with this message (one line: the store, what to check and the
/// cause); each attempt before it was logged on its own line.
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
