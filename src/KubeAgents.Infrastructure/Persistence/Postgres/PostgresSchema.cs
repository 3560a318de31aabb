using Npgsql;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>
/// PostgreSQL's <see cref="SchemaScript"/>: <c>Schema.sql</c> is EF's own script for every migration
/// (<c>IMigrator.GenerateScript</c> without its per-migration transactions), run in one transaction.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>
    /// New means no migration history (EF would apply every migration), looked up as the script's
    /// unqualified names resolve it: through the search path. (EF's <c>IHistoryRepository.ExistsAsync</c>
    /// answered true here on a database with no table at all.) The caller holds the migration lock, so
    /// no other instance creates the schema in between.
    /// </summary>
    public static SchemaScript Script { get; } = new(
        "KubeAgents.Infrastructure.Persistence.Postgres.Schema.sql",
        """SELECT to_regclass('"__EFMigrationsHistory"') IS NOT NULL""");

    /// <summary>
    /// Whether a database with a history lacks one of this build's migrations (EF then applies it).
    /// Ids in the history that this build does not know (a newer release migrated it) are ignored, and
    /// ids are compared ignoring case, as EF's own <c>Migrate</c> does.
    /// </summary>
    public static async Task<bool> HasPendingMigrationsAsync(NpgsqlConnection connection, int commandTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = new NpgsqlCommand("""SELECT "MigrationId" FROM "__EFMigrationsHistory";""", connection) { CommandTimeout = commandTimeout };
        await using (command.ConfigureAwait(false))
        {
            var pending = new HashSet<string>(MigrationIds.Of<PostgresDbContext>(), StringComparer.OrdinalIgnoreCase);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    pending.Remove(reader.GetString(0));
                }
            }

            return pending.Count > 0;
        }
    }
}
