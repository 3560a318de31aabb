using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Retention;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Retention on the embedded store: each delete is one statement in its own transaction, which
/// SQLite runs under its one write lock, between two of the write pipeline's batches. One process
/// per database, so no replica runs it beside this one.
/// </summary>
internal sealed class SqliteRetentionStore(KubeAgentsDbContext db) : IRetentionStore
{
    public Task<int> DeleteStatusEntriesAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken) =>
        db.StatusEntries
            .Where(e => e.ReceivedAt < cutoff)
            // Not the session's current entry: a later one (greater timestamp; a tie goes to the later arrival) exists.
            .Where(e => db.StatusEntries.Any(later => later.SessionId == e.SessionId
                && (later.Timestamp > e.Timestamp || (later.Timestamp == e.Timestamp && later.Id > e.Id))))
            .OrderBy(e => e.ReceivedAt)
            .Take(limit)
            .ExecuteDeleteAsync(cancellationToken);

    public Task<int> DeleteSessionsAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken) =>
        db.Sessions
            .Where(s => s.Expired && s.ExpiresAt < cutoff)
            .OrderBy(s => s.ExpiresAt)
            .Take(limit)
            .ExecuteDeleteAsync(cancellationToken);

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
