using KubeAgents.Application.Common.Interfaces;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeAgents.Infrastructure.Retention;

/// <summary>
/// Runs <see cref="HistoryRetention"/> a minute after start (<see cref="RetentionOptions.FirstRunDelay"/>:
/// a pod restarted more often than hourly still runs it), then every <see cref="RetentionOptions.Interval"/>.
/// </summary>
public sealed partial class HistoryRetentionSchedule(
    HistoryRetention retention,
    TimeProvider time,
    IStoreFailureClassifier storeFailures,
    ILogger<HistoryRetentionSchedule> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(RetentionOptions.FirstRunDelay, time, stoppingToken).ConfigureAwait(false);
            await RunAsync(stoppingToken).ConfigureAwait(false);
            using var timer = new PeriodicTimer(RetentionOptions.Interval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await RunAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what a statement committed stays deleted, the rest waits for the next start.
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await retention.RunOnceAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && storeFailures.IsUnavailable(ex))
        {
            LogDeferred(storeFailures.Describe(ex));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention failed; retrying at the next interval")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention deferred, the database is unavailable: {Cause}; retrying at the next interval")]
    private partial void LogDeferred(string cause);
}
