using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Writes a report batch's agents, sessions and history entries set-based (<see cref="SqliteRows"/>):
/// a few multi-row statements per table instead of <c>SaveChanges</c>' one prepared statement, one
/// command and one <c>RETURNING</c> per row, which was most of the write cost of a report
/// (docs/benchmarks.md). The entries written are then accepted (Unchanged); <c>SaveChanges</c> writes
/// the rest (the notification outbox) as before, and is skipped when there is no rest.
/// </summary>
/// <remarks>
/// New sessions and entries get their ids here, after the table's <c>AUTOINCREMENT</c> counter: exact,
/// because the write transaction (<c>BEGIN IMMEDIATE</c>) holds the database, and it is what SQLite
/// would have given them (an id is never reused). Tables are written parents first, so the foreign
/// keys hold at every statement.
/// </remarks>
internal static class SqliteBatchWriter
{
    /// <summary>Writes the tracked changes of <paramref name="db"/>: these tables here, the rest through <c>SaveChanges</c>.</summary>
    public static async Task SaveAsync(DbContext db, CancellationToken cancellationToken)
    {
        db.ChangeTracker.DetectChanges();
        var changed = db.ChangeTracker.Entries().Where(e => e.State is not (EntityState.Unchanged or EntityState.Detached)).ToList();
        var tracked = changed.Where(e => e.State is EntityState.Added or EntityState.Modified && e.Entity is Agent or Session or StatusEntry).ToList();
        if (tracked.Count > 0)
        {
            await WriteAsync(db, tracked, cancellationToken).ConfigureAwait(false);
        }

        if (changed.Count > tracked.Count)
        {
            // Changes were detected above, and the set-based rows are accepted: nothing to look at again.
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                db.ChangeTracker.AutoDetectChangesEnabled = true;
            }
        }
    }

    private static async Task WriteAsync(DbContext db, List<EntityEntry> tracked, CancellationToken cancellationToken)
    {
        var sessions = tracked.Where(e => e is { Entity: Session, State: EntityState.Added }).ToList();
        var entries = tracked.Where(e => e is { Entity: StatusEntry, State: EntityState.Added }).ToList();
        if (sessions.Count + entries.Count > 0)
        {
            var counters = await CountersAsync(db, cancellationToken).ConfigureAwait(false);
            Number(sessions, counters.Sessions);
            foreach (var entry in entries)
            {
                // The session's id, given above, reaches its new history entries.
                entry.Property(nameof(StatusEntry.SessionId)).CurrentValue = ((StatusEntry)entry.Entity).Session!.Id;
            }

            Number(entries, counters.Entries);
        }

        foreach (var type in new[] { typeof(Agent), typeof(Session), typeof(StatusEntry) })
        {
            var rows = SqliteRows.For(db.Model.FindEntityType(type)!);
            await rows.InsertAsync(db, Of(tracked, type, EntityState.Added), CurrentValue, cancellationToken).ConfigureAwait(false);
            await rows.UpdateAsync(db, Of(tracked, type, EntityState.Modified), CurrentValue, cancellationToken).ConfigureAwait(false);
        }

        foreach (var entry in tracked)
        {
            entry.State = EntityState.Unchanged;
        }
    }

    private static List<EntityEntry> Of(List<EntityEntry> tracked, Type type, EntityState state) =>
        [.. tracked.Where(e => e.State == state && e.Metadata.ClrType == type)];

    private static object? CurrentValue(EntityEntry entry, IProperty property) => entry.Property(property).CurrentValue;

    /// <summary>Both tables' AUTOINCREMENT counters, in one query (tables named by the model).</summary>
    private static Task<Counters> CountersAsync(DbContext db, CancellationToken cancellationToken)
    {
        var sessions = db.Model.FindEntityType(typeof(Session))!.GetTableName();
        var entries = db.Model.FindEntityType(typeof(StatusEntry))!.GetTableName();
        return db.Database.SqlQuery<Counters>($"""
            SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = {sessions}), 0) AS "Sessions",
                   coalesce((SELECT seq FROM sqlite_sequence WHERE name = {entries}), 0) AS "Entries"
            """).SingleAsync(cancellationToken);
    }

    /// <summary>Gives each added row the next id after its table's counter, <paramref name="last"/>.</summary>
    private static void Number(List<EntityEntry> added, long last)
    {
        foreach (var entry in added)
        {
            entry.Property("Id").CurrentValue = ++last;
        }
    }

    private sealed class Counters
    {
        public long Sessions { get; init; }

        public long Entries { get; init; }
    }
}
