using KubeAgents.Infrastructure.Retention;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>
/// Retention on PostgreSQL, safe with replicas and beside the write pipeline: each statement picks at
/// most <c>limit</c> rows with <c>FOR UPDATE SKIP LOCKED</c>, so two replicas never wait on (or
/// deadlock over) each other's rows. Sessions and agents are taken only with their agent's row locked,
/// the lock every writer of that agent holds for its whole transaction (<see cref="PostgresDbContext.LockAgentsAsync"/>):
/// a session a report is being applied to is skipped, and a report that comes after finds it gone
/// and starts a new one. The outer conditions are checked again on the row as it is when deleted, so a
/// session a report revived in between is kept. The picked ids are an array (<c>= ANY (ARRAY(...))</c>),
/// not <c>IN (...)</c>: PostgreSQL plans <c>IN</c> as a hash join over a scan of the whole table,
/// the array as primary-key lookups.
/// </summary>
internal sealed class PostgresRetentionStore(KubeAgentsDbContext db) : IRetentionStore
{
    // Not the session's current entry: a later one (greater timestamp; a tie goes to the later arrival) exists.
    // From `from` on (inclusive: entries of one commit share a received_at, and a batch may end among them).
    public async Task<RetentionBatch> DeleteStatusEntriesAsync(DateTimeOffset cutoff, DateTimeOffset from, int limit, CancellationToken cancellationToken)
    {
        var batch = await db.Database.SqlQuery<RetentionBatch>(
            $"""
            WITH gone AS (
                DELETE FROM status_entries WHERE id = ANY (ARRAY(
                    SELECT e.id FROM status_entries e
                    WHERE e.received_at < {cutoff} AND e.received_at >= {from}
                      AND EXISTS (SELECT 1 FROM status_entries later
                                  WHERE later.session_id = e.session_id
                                    AND (later.timestamp > e.timestamp OR (later.timestamp = e.timestamp AND later.id > e.id)))
                    ORDER BY e.received_at
                    LIMIT {limit}
                    FOR UPDATE SKIP LOCKED))
                RETURNING received_at)
            SELECT count(*)::int AS "Deleted", max(received_at) AS "Through" FROM gone
            """).ToListAsync(cancellationToken).ConfigureAwait(false);
        return batch.Single();
    }

    // The agents' session_count falls by what went, in the same statement, under the same agent locks.
    public async Task<int> DeleteSessionsAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken)
    {
        var deleted = await db.Database.SqlQuery<int>(
            $"""
            WITH gone AS (
                DELETE FROM sessions WHERE expired AND expires_at < {cutoff} AND id = ANY (ARRAY(
                    SELECT s.id FROM sessions s JOIN agents a ON a.agent_id = s.agent_id
                    WHERE s.expired AND s.expires_at < {cutoff}
                    ORDER BY s.expires_at
                    LIMIT {limit}
                    FOR UPDATE OF a SKIP LOCKED))
                RETURNING agent_id),
            counted AS (
                UPDATE agents SET session_count = agents.session_count - g.n
                FROM (SELECT agent_id, count(*)::int AS n FROM gone GROUP BY agent_id) g
                WHERE agents.agent_id = g.agent_id)
            SELECT count(*)::int AS "Value" FROM gone
            """).ToListAsync(cancellationToken).ConfigureAwait(false);
        return deleted.Single();
    }

    public Task<int> DeleteAgentsAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
            DELETE FROM agents WHERE agent_id = ANY (ARRAY(
                SELECT a.agent_id FROM agents a
                WHERE a.last_seen < {cutoff}
                  AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.agent_id = a.agent_id)
                ORDER BY a.last_seen
                LIMIT {limit}
                FOR UPDATE SKIP LOCKED))
            """,
            cancellationToken);

    public Task<int> DeleteFinishedNotificationsAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
            DELETE FROM notifications WHERE id = ANY (ARRAY(
                SELECT id FROM notifications
                WHERE state IN ('delivered', 'failed') AND created_at < {cutoff}
                ORDER BY created_at
                LIMIT {limit}
                FOR UPDATE SKIP LOCKED))
            """,
            cancellationToken);
}
