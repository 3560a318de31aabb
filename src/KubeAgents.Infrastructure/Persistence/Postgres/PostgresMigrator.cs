using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>
/// Migrates while holding a PostgreSQL advisory lock on the migrating connection: instances that
/// start together take turns, and the later ones find nothing pending. EF's own migration lock did
/// not prevent "relation already exists" when three instances met an empty database. A database
/// with no migration history is created from <see cref="PostgresSchema"/> under the same lock.
/// </summary>
internal sealed class PostgresMigrator(PostgresDbContext db) : IStoreMigrator
{
    // An arbitrary application-wide key ("KubeAgentsMigrate" hashed once).
    private const long MigrationLockKey = 4_719_318_245_706_512_641;

    public string StoreName => "PostgreSQL";

    public async Task MigrateAsync(TimeSpan remaining, CancellationToken cancellationToken)
    {
        var connectionString = db.Database.GetConnectionString();
        var commandTimeout = db.Database.GetCommandTimeout();
        BoundConnectTimeout(remaining);
        // A migration that builds an index over a large history runs longer than a request's 30 s
        // (22 s over 10 million entries on 2 cores, docs/benchmarks.md): its statements get what is
        // left of DB_STARTUP_TIMEOUT, which bounds the whole start-up anyway.
        db.Database.SetCommandTimeout(TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(remaining.TotalSeconds))));
        try
        {
            await MigrateExclusivelyAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The context goes back to the pool: requests must not inherit the bounded, unpooled
            // string, nor the migration's timeout.
            db.Database.SetConnectionString(connectionString);
            db.Database.SetCommandTimeout(commandTimeout);
        }
    }

    /// <summary>
    /// Npgsql does not cancel a connect that waits for the server's first answer; its own timeout
    /// (whole seconds, at least 1) does, so it is set to what remains of the start-up time. The
    /// connection is not pooled: this string's pool would keep its connections idle for good.
    /// </summary>
    private void BoundConnectTimeout(TimeSpan remaining)
    {
        var connection = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString())
        {
            Timeout = (int)Math.Clamp(Math.Ceiling(remaining.TotalSeconds), 1, 1024),
            Pooling = false,
        };
        db.Database.SetConnectionString(connection.ConnectionString);
    }

    private async Task MigrateExclusivelyAsync(CancellationToken cancellationToken)
    {
        await CreateDatabaseIfMissingAsync(cancellationToken).ConfigureAwait(false);
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken).ConfigureAwait(false);
            try
            {
                // A new database gets the whole schema at once; one with a history migrates through EF.
                if (!await PostgresSchema.Script.CreateIfNewAsync(db.Database, cancellationToken).ConfigureAwait(false))
                {
                    await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The lock needs a connection to the database, so a missing database (EF's migrations would
    /// create it) is created first; another instance creating it at the same moment is fine.
    /// </summary>
    private async Task CreateDatabaseIfMissingAsync(CancellationToken cancellationToken)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await creator.CreateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Created by another instance in between.
        }
    }
}
