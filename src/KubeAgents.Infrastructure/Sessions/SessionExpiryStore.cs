using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Events;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Sessions;

/// <summary>
/// Persists the expiry of every live session whose TTL has passed, set-based on either store, and
/// writes a <c>session_expired</c> event for exactly the sessions it changed, in the same transaction.
/// On PostgreSQL a session a concurrent report revives is left alone, and with several replicas each
/// row is flipped by exactly one of them; SQLite runs it under its single write lock, between two
/// batches of reports.
/// </summary>
internal sealed class SessionExpiryStore(KubeAgentsDbContext db, EventLogSignal events)
{
    /// <returns>How many sessions this call marked expired (rows another sweeper got first are not counted).</returns>
    public async Task<int> ExpireDueSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<ExpiredSession> expired;
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            expired = await db.MarkExpiredSessionsAsync(now, cancellationToken).ConfigureAwait(false);
            if (expired.Count == 0)
            {
                return 0;
            }

            await db.AppendEventsAsync([.. expired.Select(s => EventRecord.SessionExpired(s.AgentId, s.Topic, s.ExpiredAt))], cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        events.Notify();
        return expired.Count;
    }

    /// <summary>Live sessions: an index-only count over the sweeper's partial index, right after a sweep.</summary>
    public Task<int> CountActiveAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Sessions.Where(s => !s.Expired).Where(Session.ActiveAsOf(now)).CountAsync(cancellationToken);
}
