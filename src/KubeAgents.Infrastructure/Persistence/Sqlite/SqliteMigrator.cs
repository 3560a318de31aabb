using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Puts the database in WAL mode (readers see a snapshot while the writer commits; the setting is
/// stored in the file) and applies the SQLite migrations. One process owns a SQLite file.
/// </summary>
internal sealed class SqliteMigrator(SqliteDbContext db, SqliteDatabase database) : IStoreMigrator
{
    public string StoreName => database.IsTemporary ? "SQLite (in memory)" : $"SQLite ({database.Path})";

    public async Task MigrateAsync(TimeSpan remaining, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(database.Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }
}
