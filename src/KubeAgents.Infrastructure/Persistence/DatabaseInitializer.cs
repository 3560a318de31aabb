using KubeAgents.Infrastructure.Configuration;
using Microsoft.EntityFrameworkCore;
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
                        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await db.Database.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
                    }

                    return;
                }
                catch (NpgsqlException ex) when (ex.IsTransient)
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

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Waiting for PostgreSQL (attempt {Attempt}: {Reason}); {Elapsed:0}s of {Timeout:0}s elapsed")]
    private partial void LogWaiting(int attempt, string reason, double elapsed, double timeout);
}

internal sealed record DatabaseStartupOptions(TimeSpan StartupTimeout);
