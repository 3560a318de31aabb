using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Sessions;

/// <summary>
/// Persists the expiry of every live session whose TTL has passed, in one set-based UPDATE on either
/// store. PostgreSQL re-checks its condition on rows a concurrent report holds, so a session revived
/// meanwhile is left alone, and with several replicas each row is flipped by exactly one of them;
/// SQLite runs it under its single write lock, between two batches of reports.
/// </summary>
internal sealed class SessionExpiryStore(KubeAgentsDbContext db)
{
    /// <returns>How many sessions this call marked expired (rows another sweeper got first are not counted).</returns>
    public Task<int> ExpireDueSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Sessions
            .Where(s => !s.Expired)
            .Where(Session.ExpiredAsOf(now))
            .ExecuteUpdateAsync(
                set => set.SetProperty(s => s.Expired, true).SetProperty(s => s.ExpiredAt, s => s.ExpiresAt),
                cancellationToken);

    /// <summary>Live sessions: an index-only count over the sweeper's partial index, right after a sweep.</summary>
    public Task<int> CountActiveAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Sessions.Where(s => !s.Expired).Where(Session.ActiveAsOf(now)).CountAsync(cancellationToken);
}
