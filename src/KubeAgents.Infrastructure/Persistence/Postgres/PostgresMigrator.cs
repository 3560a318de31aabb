using KubeAgents.Infrastructure.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>
/// Migrates while holding a PostgreSQL advisory lock on the migrating connection: instances that
/// start together take turns, and the later ones find nothing pending. EF's own migration lock did
/// not prevent "relation already exists" when three instances met an empty database.
/// </summary>
/// <remarks>
/// Under the lock, a database with no migration history is created from <see cref="PostgresSchema"/>,
/// and one whose history has every migration of this build is left as it is, both over the plain
/// connection; EF's <c>Migrate</c> runs, over the same connection, only when a migration is pending.
/// A context's first use costs a cold start tens of milliseconds, so the common starts never pay it
/// here (docs/benchmarks.md, "Start-up, round 5").
/// </remarks>
/// <param name="services">The migration's scope: a context is resolved from it when EF has work to do.</param>
/// <param name="connectionString">The string the context is configured with.</param>
internal sealed class PostgresMigrator(IServiceProvider services, string connectionString) : IStoreMigrator
{
    // An arbitrary application-wide key ("KubeAgentsMigrate" hashed once).
    private const long MigrationLockKey = 4_719_318_245_706_512_641;

    public string StoreName => "PostgreSQL";

    /// <summary>SQLSTATE class 28: a wrong password (28P01), or no <c>pg_hba.conf</c> line lets the user in (28000).</summary>
    private const string InvalidAuthorizationClass = "28";

    public async Task MigrateAsync(TimeSpan remaining, CancellationToken cancellationToken)
    {
        // A migration that builds an index over a large history runs longer than a request's 30 s
        // (22 s over 10 million entries on 2 cores, docs/benchmarks.md): its statements get what is
        // left of DB_STARTUP_TIMEOUT, which bounds the whole start-up anyway.
        // (Capped where Npgsql's milliseconds still fit an int.)
        var seconds = (int)Math.Clamp(Math.Ceiling(remaining.TotalSeconds), 1, int.MaxValue / 1000);
        var bounded = BoundConnectTimeout(seconds);
        var connection = new NpgsqlConnection(bounded);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await OpenCreatingDatabaseAsync(connection, bounded, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState.StartsWith(InvalidAuthorizationClass, StringComparison.Ordinal))
            {
                // Waiting would not help, and a stack trace would bury what to change.
                throw new StoreUnavailableException(
                    $"PostgreSQL refused the login ({ex.SqlState}: {ex.MessageText}); check {DatabaseSettings.UserKey} and {DatabaseSettings.PasswordKey}, "
                    + $"or the user and password in ConnectionStrings__{DatabaseSettings.ConnectionStringName}", ex);
            }

            // The lock is the session's, and the connection is not pooled: disposing it ends the session
            // and releases the lock, after a migration or after a failure. (An unlock in a finally block
            // hid a broken connection's cause behind "Connection is not open", which start-up does not retry.)
            await ExecuteAsync(connection, $"SELECT pg_advisory_lock({MigrationLockKey});", seconds, cancellationToken).ConfigureAwait(false);
            if (!await PostgresSchema.Script.CreateIfNewAsync(connection, seconds, cancellationToken).ConfigureAwait(false)
                && await MigrationIds.AnyPendingAsync<PostgresDbContext>(connection, seconds, cancellationToken).ConfigureAwait(false))
            {
                await MigrateThroughEfAsync(connection, seconds, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Npgsql does not cancel a connect that waits for the server's first answer; its own timeout
    /// (whole seconds, at least 1) does, so it is set to what remains of the start-up time. The
    /// connection is not pooled: this string's pool would keep its connections idle for good.
    /// </summary>
    private string BoundConnectTimeout(int seconds) => new NpgsqlConnectionStringBuilder(connectionString)
    {
        Timeout = Math.Min(seconds, 1024),
        Pooling = false,
    }.ConnectionString;

    /// <summary>
    /// The lock needs a connection to the database, so a missing database (EF's migrations would create
    /// it) is created first, by EF's creator; another instance creating it at the same moment is fine.
    /// </summary>
    /// <param name="connection">Not open yet.</param>
    /// <param name="bounded">Its connection string as given: once Npgsql has tried to open it, the
    /// connection's own <c>ConnectionString</c> no longer carries the password.</param>
    private async Task OpenCreatingDatabaseAsync(NpgsqlConnection connection, string bounded, CancellationToken cancellationToken)
    {
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            // Missing: created below.
        }

        var db = services.GetRequiredService<PostgresDbContext>();
        db.Database.SetConnectionString(bounded);
        try
        {
            await db.GetService<IRelationalDatabaseCreator>().CreateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Created by another instance in between.
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            var target = new NpgsqlConnectionStringBuilder(bounded);
            throw new StoreUnavailableException(
                $"PostgreSQL has no database \"{target.Database}\" and user \"{target.Username}\" may not create it ({ex.SqlState}: {ex.MessageText}); "
                + $"create the database, grant the user CREATEDB, or set {DatabaseSettings.NameKey} to an existing one", ex);
        }
        finally
        {
            db.Database.SetConnectionString(connectionString);
        }

        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>EF applies the pending migrations over the connection that holds the lock.</summary>
    private async Task MigrateThroughEfAsync(NpgsqlConnection connection, int seconds, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<PostgresDbContext>();
        var commandTimeout = db.Database.GetCommandTimeout();
        try
        {
            db.Database.SetDbConnection(connection, contextOwnsConnection: false);
            // After the connection: setting one resets the context's command timeout.
            db.Database.SetCommandTimeout(seconds);
            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The context goes back to the pool: requests must not inherit the migration's connection
            // (its owner disposes it) nor its timeout. This is the state UseNpgsql(string) gave it.
            db.Database.SetDbConnection(null, contextOwnsConnection: true);
            db.Database.SetConnectionString(connectionString);
            db.Database.SetCommandTimeout(commandTimeout);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, int seconds, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection) { CommandTimeout = seconds };
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
