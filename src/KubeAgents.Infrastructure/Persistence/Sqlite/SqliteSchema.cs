namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The embedded store's <see cref="SchemaScript"/>: <c>Schema.sql</c> is <c>sqlite_master</c> of a database
/// EF migrated (tables, then indexes) and the history rows it wrote. The default store is new at every start.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>
    /// New means nothing in <c>sqlite_master</c>. Microsoft.Data.Sqlite begins the shared transaction
    /// IMMEDIATE (the write lock): another process that opens the same new file at once waits, then
    /// finds the tables and migrates (a no-op).
    /// </summary>
    public static SchemaScript Script { get; } = new(
        "KubeAgents.Infrastructure.Persistence.Sqlite.Schema.sql",
        "SELECT count(*) > 0 FROM sqlite_master");
}
