using KubeAgents.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Writes numbered events as multi-row <c>INSERT ... VALUES (...), (...)</c> statements in the current
/// transaction, instead of one tracked entity and one statement per row: the event log cost SQLite
/// ingestion a sixth of its rate through <c>SaveChanges</c> (docs/benchmarks.md). Columns and value
/// conversions come from the EF model (<see cref="SqliteRows"/>).
/// </summary>
internal static class SqliteEventInsert
{
    public static Task InsertAsync(DbContext db, IReadOnlyList<EventRecord> events, CancellationToken cancellationToken) =>
        events.Count == 0
            ? Task.CompletedTask
            : SqliteRows.For(db.Model.FindEntityType(typeof(EventRecord))!)
                .InsertAsync(db, events, cancellationToken);
}
