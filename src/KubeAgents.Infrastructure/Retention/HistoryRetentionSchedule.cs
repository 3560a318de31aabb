using KubeAgents.Infrastructure.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeAgents.Infrastructure.Retention;

/// <summary>Runs <see cref="HistoryRetention"/> every <see cref="RetentionOptions.Interval"/>, the first an interval after start.</summary>
public sealed partial class HistoryRetentionSchedule(
    HistoryRetention retention,
    TimeProvider time,
    ILogger<HistoryRetentionSchedule> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RetentionOptions.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await retention.RunOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && DatabaseFailures.IsUnavailable(ex))
                {
                    LogDeferred(DatabaseFailures.Describe(ex));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what a statement committed stays deleted, the rest waits for the next start.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention failed; retrying at the next interval")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention deferred, the database is unavailable: {Cause}; retrying at the next interval")]
    private partial void LogDeferred(string cause);
}
