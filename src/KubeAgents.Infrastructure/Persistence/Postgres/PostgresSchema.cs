using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>
/// PostgreSQL's <see cref="SchemaScript"/>: <c>Schema.sql</c> is EF's own script for every migration
/// (<c>IMigrator.GenerateScript</c> without its per-migration transactions), run in one transaction.
/// </summary>
internal static class PostgresSchema
{
    public static SchemaScript Script { get; } = new("KubeAgents.Infrastructure.Persistence.Postgres.Schema.sql");

    /// <summary>
    /// Creates the schema when the database has no migration history (EF would apply every migration);
    /// false, untouched, when it has one. The caller holds the migration lock, so no other instance
    /// creates it in between; a failure rolls the whole script back, history rows included.
    /// </summary>
    public static async Task<bool> CreateIfNewAsync(PostgresDbContext db, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // The history table as the script's unqualified names resolve it: through the search path. (EF's
        // IHistoryRepository.ExistsAsync answered true here on a database with no table at all.)
        await using (var command = new NpgsqlCommand("""SELECT to_regclass('"__EFMigrationsHistory"') IS NOT NULL""", (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction()))
        {
            command.CommandTimeout = db.Database.GetCommandTimeout() ?? command.CommandTimeout;
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return false;
            }
        }

        await Script.RunAsync(db.Database, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
