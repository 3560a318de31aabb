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
        // Every attempt, and the pause between two, ends at the deadline: one connect to a server that
        // accepts and never answers would otherwise wait Npgsql's own 15 s past it.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.StartupTimeout);
        Exception? lastFailure = null;
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
                        var connectionString = db.Database.GetConnectionString();
                        BoundConnectTimeout(db, options.StartupTimeout - TimeProvider.System.GetElapsedTime(started));
                        try
                        {
                            await MigrateExclusivelyAsync(db, deadline.Token).ConfigureAwait(false);
                        }
                        finally
                        {
                            // The context goes back to the pool: requests must not inherit the bounded, unpooled string.
                            db.Database.SetConnectionString(connectionString);
                        }
                    }
                    else
                    {
                        await db.Database.EnsureCreatedAsync(deadline.Token).ConfigureAwait(false);
                    }

                    return;
                }
                catch (Exception ex) when (DatabaseFailures.IsUnavailable(ex) || IsDeadline(ex))
                {
                    lastFailure = IsDeadline(ex) ? lastFailure ?? ex : ex;
                    var elapsed = TimeProvider.System.GetElapsedTime(started);
                    if (deadline.IsCancellationRequested || elapsed >= options.StartupTimeout)
                    {
                        throw new InvalidOperationException(
                            $"PostgreSQL was not reachable within {options.StartupTimeout.TotalSeconds:0}s ({DatabaseSettings.StartupTimeoutKey}); giving up: {DatabaseFailures.Describe(lastFailure)}", lastFailure);
                    }

                    LogWaiting(attempt, DatabaseFailures.Describe(ex), elapsed.TotalSeconds, options.StartupTimeout.TotalSeconds);
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), deadline.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        // The deadline passed during the pause: the next turn of the loop gives up.
                    }
                }
            }
        }

        bool IsDeadline(Exception ex) => deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested &&
            (ex is OperationCanceledException || ex.InnerException is OperationCanceledException || ex is TimeoutException);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Npgsql does not cancel a connect that waits for the server's first answer; its own timeout
    /// (whole seconds, at least 1) does, so it is set to what remains of the start-up time. The
    /// connection is not pooled: this string's pool would keep its connections idle for good.
    /// </summary>
    private static void BoundConnectTimeout(KubeAgentsDbContext db, TimeSpan remaining)
    {
        var connection = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString())
        {
            Timeout = (int)Math.Clamp(Math.Ceiling(remaining.TotalSeconds), 1, 1024),
            Pooling = false,
        };
        db.Database.SetConnectionString(connection.ConnectionString);
    }

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
