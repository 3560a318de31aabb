using KubeAgents.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>
/// Brings the schema up to date before the server starts listening (hosted services start before
/// Kestrel), with the store's own EF migrations (<see cref="IStoreMigrator"/>); waits, up to
/// <c>DB_STARTUP_TIMEOUT</c>, for a store that is not reachable yet.
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
                var migrator = scope.ServiceProvider.GetRequiredService<IStoreMigrator>();
                try
                {
                    await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (Exception ex) when (DatabaseFailures.IsUnavailable(ex))
                {
                    var elapsed = TimeProvider.System.GetElapsedTime(started);
                    if (elapsed >= options.StartupTimeout)
                    {
                        throw new InvalidOperationException(
                            $"{migrator.StoreName} was not reachable within {options.StartupTimeout.TotalSeconds:0}s ({DatabaseSettings.StartupTimeoutKey}); giving up.", ex);
                    }

                    LogWaiting(migrator.StoreName, attempt, ex.Message, elapsed.TotalSeconds, options.StartupTimeout.TotalSeconds);
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Waiting for {Store} (attempt {Attempt}: {Reason}); {Elapsed:0}s of {Timeout:0}s elapsed")]
    private partial void LogWaiting(string store, int attempt, string reason, double elapsed, double timeout);
}

internal sealed record DatabaseStartupOptions(TimeSpan StartupTimeout);
