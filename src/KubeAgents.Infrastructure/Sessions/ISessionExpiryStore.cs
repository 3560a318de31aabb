namespace KubeAgents.Infrastructure.Sessions;

/// <summary>Persists the expiry of every live session whose TTL has passed.</summary>
internal interface ISessionExpiryStore
{
    /// <returns>How many sessions this call marked expired (rows another sweeper got first are not counted).</returns>
    Task<int> ExpireDueSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
