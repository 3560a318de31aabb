using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Common.Settings;
using KubeAgents.Infrastructure.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Puts the database in WAL mode (readers see a snapshot while the writer commits; the setting is
/// stored in the file) and applies the SQLite migrations: all at once, written out, on a new
/// database (<see cref="SqliteSchema"/>); through EF on one that has tables. One process owns a SQLite file.
/// </summary>
/// <remarks>
/// A file that cannot be used at start-up (a directory, not a database, an unwritable or full
/// place) is a setting to fix, not an outage to wait out: it stops start-up (exit 2) with one line
/// naming <c>DB_FILE</c> and SQLite's cause, as any invalid setting does.
/// </remarks>
internal sealed class SqliteMigrator(SqliteDbContext db, SqliteDatabase database, IStoreFailureClassifier failures) : IStoreMigrator
{
    public string StoreName => database.IsTemporary ? "SQLite (in memory)" : $"SQLite ({database.Path})";

    public async Task MigrateAsync(TimeSpan remaining, CancellationToken cancellationToken)
    {
        try
        {
            await MigrateFileAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            var what = database.IsTemporary ? $"the in-memory store's temporary file ({database.Path})" : $"{DatabaseSettings.FileKey} ({database.Path})";
            throw new InvalidConfigurationException($"{what} cannot be used: {failures.Describe(ex)}", ex);
        }
    }

    private async Task MigrateFileAsync(CancellationToken cancellationToken)
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
            // A new database (the default store's is new at every start) gets the whole schema at once.
            if (!await SqliteSchema.Script.CreateIfNewAsync(db.Database.GetDbConnection(), db.Database.GetCommandTimeout(), cancellationToken).ConfigureAwait(false))
            {
                await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }
}
