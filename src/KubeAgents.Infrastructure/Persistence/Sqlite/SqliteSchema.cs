using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The embedded store's <see cref="SchemaScript"/>: <c>Schema.sql</c> is <c>sqlite_master</c> of a database
/// EF migrated (tables, then indexes) and the history rows it wrote. The default store is new at every start.
/// </summary>
internal static class SqliteSchema
{
    public static SchemaScript Script { get; } = new("KubeAgents.Infrastructure.Persistence.Sqlite.Schema.sql");

    /// <summary>
    /// Creates the schema when the database has nothing in it yet; false, untouched, when it has.
    /// The check and the schema share one <c>BEGIN IMMEDIATE</c> transaction: another process that
    /// opens the same new file at once waits, then finds the tables and migrates (a no-op).
    /// </summary>
    public static async Task<bool> CreateIfNewAsync(SqliteDbContext db, CancellationToken cancellationToken)
    {
        // Microsoft.Data.Sqlite begins IMMEDIATE (the write lock) unless asked for a deferred transaction.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = db.Database.GetDbConnection().CreateCommand())
        {
            command.Transaction = transaction.GetDbTransaction();
            command.CommandText = "SELECT count(*) FROM sqlite_master";
            if ((long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! != 0)
            {
                return false;
            }
        }

        await Script.RunAsync(db.Database, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
