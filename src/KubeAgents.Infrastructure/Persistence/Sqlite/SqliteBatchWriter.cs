using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Reports;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Writes the agents, sessions and history entries a report batch created and changed, as the write
/// pipeline names them (<see cref="ReportBatchRows"/>), through prepared row statements
/// (<see cref="SqliteRows"/>). The rows were loaded untracked, so nothing is snapshotted, compared
/// or accepted: change tracking was a tenth of the service's CPU under fresh ingestion
/// (docs/benchmarks.md).
/// </summary>
/// <remarks>
/// New sessions and entries get their ids here, after the table's <c>AUTOINCREMENT</c> counter: exact,
/// because the write transaction (<c>BEGIN IMMEDIATE</c>) holds the database, and it is what SQLite
/// would have given them (an id is never reused). Ids are set through the backing fields the EF model
/// names, as EF itself sets them. Tables are written parents first, so the foreign keys hold at every
/// statement.
/// </remarks>
internal static class SqliteBatchWriter
{
    public static async Task WriteAsync(DbContext db, ReportBatchRows rows, CancellationToken cancellationToken)
    {
        if (rows.AddedSessions.Count + rows.AddedEntries.Count > 0)
        {
            await NumberAsync(db, rows, cancellationToken).ConfigureAwait(false);
        }

        await WriteAsync(db, rows.AddedAgents, rows.ChangedAgents, cancellationToken).ConfigureAwait(false);
        await WriteAsync(db, rows.AddedSessions, rows.ChangedSessions, cancellationToken).ConfigureAwait(false);
        await WriteAsync(db, rows.AddedEntries, [], cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteAsync<T>(DbContext db, List<T> added, List<T> changed, CancellationToken cancellationToken)
        where T : class
    {
        var writer = SqliteRows.For(db.Model.FindEntityType(typeof(T))!);
        await writer.InsertAsync(db, added, cancellationToken).ConfigureAwait(false);
        await writer.UpdateAsync(db, changed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives each new session and entry the next id after its table's counter, and each entry its session's id.</summary>
    private static async Task NumberAsync(DbContext db, ReportBatchRows rows, CancellationToken cancellationToken)
    {
        var counters = await CountersAsync(db, cancellationToken).ConfigureAwait(false);
        BatchRowIds.Assign(db.Model, rows, [.. Enumerable.Range(1, rows.AddedSessions.Count).Select(i => counters.Sessions + i)]);
        var entryId = BatchRowIds.BackingField(db.Model, typeof(StatusEntry), nameof(StatusEntry.Id));
        var last = counters.Entries;
        foreach (var entry in rows.AddedEntries)
        {
            entryId.SetValue(entry, ++last);
        }
    }

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

    private sealed class Counters
    {
        public long Sessions { get; init; }

        public long Entries { get; init; }
    }
}
