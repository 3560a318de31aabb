using System.Reflection;
using Microsoft.Data.Sqlite;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The schema the SQLite migrations build, written out (<c>Schema.sql</c>, embedded): a new database
/// gets it, with every migration recorded as applied, in one transaction. EF would otherwise replay
/// every migration, building each one's target model and SQL at run time: the longest step of a
/// cold start, and the default store is new at every start (docs/benchmarks.md, "Start-up, round 4").
/// A database that already has tables migrates through EF as before.
/// </summary>
/// <remarks>
/// <c>Schema.sql</c> is <c>sqlite_master</c> of a database EF migrated, and the history rows it wrote.
/// <c>SqliteSchemaTests</c> regenerates that text from the migrations and fails when the file differs,
/// so a new migration without a new <c>Schema.sql</c> fails a test instead of starting new
/// databases on an old schema.
/// </remarks>
internal static class SqliteSchema
{
    public const string ResourceName = "KubeAgents.Infrastructure.Persistence.Sqlite.Schema.sql";

    private static readonly Lazy<string> Text = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not embedded in {Assembly.GetExecutingAssembly().GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The statements, as embedded.</summary>
    public static string Script => Text.Value;

    /// <summary>
    /// Creates the schema when the database has nothing in it yet; false, untouched, when it has.
    /// The check and the schema share one <c>BEGIN IMMEDIATE</c> transaction: another process that
    /// opens the same new file at once waits, then finds the tables and migrates (a no-op).
    /// </summary>
    public static async Task<bool> CreateIfNewAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // Microsoft.Data.Sqlite begins IMMEDIATE (the write lock) unless asked for a deferred transaction.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM sqlite_master";
        if ((long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! != 0)
        {
            return false;
        }

        command.CommandText = Script;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
