using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Diagnostics;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>What an attempt's result does to its notification, and saving it under its claim.</summary>
internal sealed partial class NotificationDispatcher
{
    private readonly NotificationResults _results = new(storeFailures, time, logger);

    /// <summary>
    /// Records every finished attempt waiting in <paramref name="attempts"/>, freeing its slot. The
    /// results taken together (every attempt that ended since the last save) are saved in one
    /// transaction: on SQLite each write transaction takes its turn with the reports' writes.
    /// </summary>
    private async Task RecordFinishedAsync(NotificationAttempts attempts, CancellationToken stoppingToken)
    {
        // Attempts may end while a save runs: take again until none is waiting.
        for (var taken = attempts.TakeAll(); taken.Count > 0; taken = attempts.TakeAll())
        {
            try
            {
                await RecordAsync(taken, time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
            }
            finally
            {
                foreach (var finished in taken)
                {
                    if (--finished.Batch.Pending == 0)
                    {
                        await finished.Batch.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }
        }
    }

    private async Task RecordAsync(List<FinishedAttempt> taken, DateTimeOffset now, CancellationToken stoppingToken)
    {
        var results = new List<KeptResult>(taken.Count);
        foreach (var finished in taken)
        {
            Apply(finished.Notification, finished.Result, now);
            results.Add(KeptResult.Take(finished.Batch.Db, finished.Notification));
        }

        var scope = scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            await _results.SaveAsync(scope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>(), results, stoppingToken).ConfigureAwait(false);
        }
    }

    private void Apply(Notification notification, SendResult result, DateTimeOffset now)
    {
        var error = result.Error;
        if (result.WasInterrupted)
        {
            notification.Release();
            metrics.NotificationAttempt(KubeAgentsMetrics.Outcome.Interrupted);
        }
        else if (error is null)
        {
            notification.MarkDelivered(now);
            metrics.NotificationAttempt(KubeAgentsMetrics.Outcome.Delivered);
            LogDelivered(notification.Id, notification.AgentId, notification.SessionTopic);
        }
        else if (result.Final)
        {
            notification.Abandon(error, now);
            metrics.NotificationAttempt(KubeAgentsMetrics.Outcome.Failed);
            LogGaveUp(notification.Id, error);
        }
        else
        {
            metrics.NotificationAttempt(KubeAgentsMetrics.Outcome.Failed);
            notification.MarkAttemptFailed(error, now, NotificationRetryPolicy.DelayAfter(notification.Attempts + 1, Random.Shared.NextDouble()), options.Value.MaxAttempts);
            LogAttemptFailed(notification.Id, notification.Attempts, options.Value.MaxAttempts, error);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Id} delivered ({AgentId}, {SessionTopic})")]
    private partial void LogDelivered(Guid id, string agentId, string sessionTopic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Id} cannot be delivered: {Reason}")]
    private partial void LogGaveUp(Guid id, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Id} attempt {Attempt} of {MaxAttempts} failed: {Error}")]
    private partial void LogAttemptFailed(Guid id, int attempt, int maxAttempts, string error);
}
