using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Retention;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Retention on the embedded store: each delete is one statement in its own transaction (sessions:
/// with their agents' counts, three in one), which SQLite runs under its one write lock, between two
/// of the write pipeline's batches. One process per database, so no replica runs it beside this one.
/// </summary>
internal sealed class SqliteRetentionStore(KubeAgentsDbContext db) : IRetentionStore
{
    // Read, then deleted by id: only retention deletes entries, so no entry read here stops being deletable.
    public async Task<RetentionBatch> DeleteStatusEntriesAsync(DateTimeOffset cutoff, DateTimeOffset from, int limit, CancellationToken cancellationToken)
    {
        var batch = await db.StatusEntries
            .Where(e => e.ReceivedAt < cutoff && e.ReceivedAt >= from)
            // Not the session's current entry: a later one (greater timestamp; a tie goes to the later arrival) exists.
            .Where(e => db.StatusEntries.Any(later => later.SessionId == e.SessionId
                && (later.Timestamp > e.Timestamp || (later.Timestamp == e.Timestamp && later.Id > e.Id))))
            .OrderBy(e => e.ReceivedAt)
            .Take(limit)
            .Select(e => new { e.Id, e.ReceivedAt })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (batch.Count == 0)
        {
            return new RetentionBatch(0, null);
        }

        var ids = batch.Select(e => e.Id).ToArray();
        var deleted = await db.StatusEntries.Where(e => ids.Contains(e.Id)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        return new RetentionBatch(deleted, batch[^1].ReceivedAt);
    }

    /// <summary>The sessions, and their agents' <c>session_count</c> counted again, in one transaction.</summary>
    public async Task<int> DeleteSessionsAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var gone = await db.Sessions
            .Where(s => s.Expired && s.ExpiresAt < cutoff)
            .OrderBy(s => s.ExpiresAt)
            .Take(limit)
            .Select(s => new { s.Id, s.AgentId })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var ids = gone.Select(s => s.Id).ToArray();
        var agentIds = gone.Select(s => s.AgentId).Distinct(StringComparer.Ordinal).ToArray();
        var deleted = await db.Sessions.Where(s => ids.Contains(s.Id)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await db.Agents
            .Where(a => agentIds.Contains(a.AgentId))
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.SessionCount, a => a.Sessions.Count), cancellationToken)
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    public Task<int> DeleteAgentsAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken) =>
        db.Agents
            .Where(a => a.LastSeen < cutoff && !db.Sessions.Any(s => s.AgentId == a.AgentId))
            .OrderBy(a => a.LastSeen)
            .Take(limit)
            .ExecuteDeleteAsync(cancellationToken);

    public Task<int> DeleteFinishedNotificationsAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken) =>
        db.Notifications
            .Where(n => (n.State == NotificationState.Delivered || n.State == NotificationState.Failed) && n.CreatedAt < cutoff)
            .OrderBy(n => n.CreatedAt)
            .Take(limit)
            .ExecuteDeleteAsync(cancellationToken);
}
