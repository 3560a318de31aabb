using KubeAgents.Infrastructure.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>
/// Brings the schema up to date before the server starts listening (hosted services start before
/// Kestrel). PostgreSQL: EF migrations, which hold a database lock while they run, so instances
/// starting together leave one correct schema. In-memory: the model is created.
/// </summary>
internal sealed partial class DatabaseInitializer(
    IServiceScopeFactory scopeFactory,
    DatabaseStartupOptions options,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var scope = scopeFactory.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var db = scope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>();
                try
                {
                    if (db.Database.IsRelational())
                    {
                        await MigrateExclusivelyAsync(db, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await db.Database.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
                    }

                    return;
                }
                catch (Exception ex) when (DatabaseFailures.IsUnavailable(ex))
                {
                    var elapsed = TimeProvider.System.GetElapsedTime(started);
                    if (elapsed >= options.StartupTimeout)
                    {
                        throw new InvalidOperationException(
                            $"PostgreSQL was not reachable within {options.StartupTimeout.TotalSeconds:0}s ({DatabaseSettings.StartupTimeoutKey}); giving up.", ex);
                    }

                    LogWaiting(attempt, ex.Message, elapsed.TotalSeconds, options.StartupTimeout.TotalSeconds);
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Migrates while holding a PostgreSQL advisory lock on the migrating connection: instances that
    /// start together take turns, and the later ones find nothing pending. EF's own migration lock
    /// did not prevent "relation already exists" when three instances met an empty database.
    /// </summary>
    private static async Task MigrateExclusivelyAsync(KubeAgentsDbContext db, CancellationToken cancellationToken)
    {
        await CreateDatabaseIfMissingAsync(db, cancellationToken).ConfigureAwait(false);
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken).ConfigureAwait(false);
            try
            {
                await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
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
    private static async Task CreateDatabaseIfMissingAsync(KubeAgentsDbContext db, CancellationToken cancellationToken)
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

    // An arbitrary application-wide key ("KubeAgentsMigrate" hashed once).
    private const long MigrationLockKey = 4_719_318_245_706_512_641;

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Waiting for PostgreSQL (attempt {Attempt}: {Reason}); {Elapsed:0}s of {Timeout:0}s elapsed")]
    private partial void LogWaiting(int attempt, string reason, double elapsed, double timeout);
}

internal sealed record DatabaseStartupOptions(TimeSpan StartupTimeout);
