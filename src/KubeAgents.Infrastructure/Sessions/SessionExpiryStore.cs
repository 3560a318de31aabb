using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Events;
using KubeAgents.Infrastructure.Notifications;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Sessions;

/// <summary>
/// Persists the expiry of every live session whose TTL has passed, set-based on either store, and
/// writes a <c>session_expired</c> event for exactly the sessions it changed, in the same transaction;
/// for those that expired while running or pending, also a <c>session_silent</c> event and the silent
/// alerts of the routes that want them (the outbox). On PostgreSQL a session a concurrent report
/// revives is left alone, and with several replicas each row is flipped by exactly one of them; SQLite
/// runs it under its single write lock, between two batches of reports.
/// </summary>
internal sealed class SessionExpiryStore(KubeAgentsDbContext db, EventLogSignal events, SilentAlerts silentAlerts, NotificationOutbox outbox)
{
    /// <returns>How many sessions this call marked expired (rows another sweeper got first are not counted).</returns>
    public async Task<int> ExpireDueSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<ExpiredSession> expired;
        OutboxBatch alerts;
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            expired = await db.MarkExpiredSessionsAsync(now, cancellationToken).ConfigureAwait(false);
            if (expired.Count == 0)
            {
                return 0;
            }

            var silent = await silentAlerts.DescribeAsync(expired, cancellationToken).ConfigureAwait(false);
            alerts = outbox.Begin(db);
            await alerts.QueueSilentAsync(silent, now).ConfigureAwait(false);
            var silentBySession = silent.ToDictionary(s => (s.AgentId, s.Topic));
            var records = new List<EventRecord>(expired.Count + silent.Count);
            foreach (var session in expired)
            {
                records.Add(EventRecord.SessionExpired(session.AgentId, session.Topic, session.ExpiredAt));
                if (silentBySession.TryGetValue((session.AgentId, session.Topic), out var quiet))
                {
                    records.Add(EventRecord.SessionSilent(quiet));
                }
            }

            await db.AppendEventsAsync(records, cancellationToken).ConfigureAwait(false);
            // The alerts, where appending the events did not save them already.
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            events.Numbered(records[^1].Id);
        }

        events.Notify();
        if (alerts.Queued > 0)
        {
            outbox.Wake();
        }

        return expired.Count;
    }

    /// <summary>
    /// Active sessions, right after a sweep: the agents' live counts summed, less the sessions past
    /// their TTL and still unmarked (a range of the live sessions' index by expiry; none, unless a sweep
    /// failed), the rule of each agent's own <c>active_session_count</c>. Counting the live sessions
    /// themselves read every one of them: 108 ms once a minute at 191,000 on PostgreSQL under fresh
    /// ingestion, where these two took 4 and 15 ms on a table not yet analyzed (docs/benchmarks.md,
    /// round 14). Two statements: one that subtracted per agent was costed high enough, on bloated
    /// agents, for PostgreSQL to compile it (JIT), 46 ms.
    /// </summary>
    public async Task<int> CountActiveAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var live = await db.Agents.SumAsync(a => a.LiveSessionCount, cancellationToken).ConfigureAwait(false);
        return live - await db.Sessions.CountAsync(Session.OverdueAsOf(now), cancellationToken).ConfigureAwait(false);
    }
}
