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
}
