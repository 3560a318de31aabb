using System.Globalization;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Common.Settings;
using KubeAgents.Infrastructure.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Puts the database in WAL mode (readers see a snapshot while the writer commits; the setting is
/// stored in the file) and applies the SQLite migrations: all at once, written out, on a new
/// database (<see cref="SqliteSchema"/>); through EF on one that lacks one of this build's. One process owns a SQLite file.
/// </summary>
/// <remarks>
/// <para>
/// The common starts (a new database, an up-to-date one) use a plain connection, as PostgreSQL's
/// migrator does: resolving a context, the first use of EF in the process, costs about 200 ms of
/// CPU (docs/benchmarks.md, "Start-up, round 7"), which the listener would wait for.
/// </para>
/// <para>
/// A file that cannot be used at start-up (a directory, not a database, an unwritable or full
/// place) is a setting to fix, not an outage to wait out: it stops start-up (exit 2) with one line
/// naming <c>DB_FILE</c> and SQLite's cause, as any invalid setting does.
/// </para>
/// </remarks>
/// <param name="services">The migration's scope: a context is resolved from it when EF has work to do.</param>
internal sealed class SqliteMigrator(IServiceProvider services, SqliteDatabase database, IStoreFailureClassifier failures) : IStoreMigrator
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

        bool pending;
        var connection = new SqliteConnection(database.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // As EF's connections get them (the temporary store's synchronous=OFF included).
            database.Configure(connection);
            _ = await ScalarAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);

            // A new database (the default store's is new at every start) gets the whole schema at once.
            // One with tables but no history (not made by this service, or by a release before its
            // migrations) goes through EF's Migrate, as it always did.
            pending = !await SqliteSchema.Script.CreateIfNewAsync(connection, commandTimeout: null, cancellationToken).ConfigureAwait(false)
                && (!await HasHistoryAsync(connection, cancellationToken).ConfigureAwait(false)
                    || await MigrationIds.AnyPendingAsync<SqliteDbContext>(connection, commandTimeout: null, cancellationToken).ConfigureAwait(false));
        }

        if (pending)
        {
            // EF opens its own connection (with the store's per-connection settings) and takes SQLite's write lock.
            await services.GetRequiredService<SqliteDbContext>().Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> HasHistoryAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        Convert.ToBoolean(
            await ScalarAsync(connection, "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsHistory';", cancellationToken).ConfigureAwait(false),
            CultureInfo.InvariantCulture);

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = sql;
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
