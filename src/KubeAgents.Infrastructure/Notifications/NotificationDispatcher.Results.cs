using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Diagnostics;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>What an attempt's result does to its notification, and saving it under its claim.</summary>
internal sealed partial class NotificationDispatcher
{
    /// <summary>Records every finished attempt waiting in <paramref name="attempts"/>, freeing its slot.</summary>
    private async Task RecordFinishedAsync(NotificationAttempts attempts, CancellationToken stoppingToken)
    {
        while (attempts.TryTake(out var finished))
        {
            try
            {
                await RecordAsync(finished.Batch.Db, finished.Notification, finished.Result, time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
            }
            finally
            {
                if (--finished.Batch.Pending == 0)
                {
                    await finished.Batch.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private async Task RecordAsync(
        KubeAgentsDbContext db, Notification notification, SendResult result, DateTimeOffset now, CancellationToken stoppingToken)
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

        await SaveResultAsync(db, notification, stoppingToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Saves an attempt's result, retrying with backoff while the store is unavailable. A result lost
    /// to a short outage would let the lease run out and the notification be sent again; kept here,
    /// it is saved when the store answers, and nothing new is claimed meanwhile (this dispatcher's loop waits;
    /// attempts in flight go on, their results queue up).
    /// Past the lease, another dispatcher may have claimed it again: the claim token then refuses the save.
    /// </summary>
    private async Task SaveResultAsync(KubeAgentsDbContext db, Notification notification, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        for (var failures = 0; ; failures++)
        {
            try
            {
                // Not cancellable: the attempt happened and its result must be kept.
                await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
                if (failures > 0)
                {
                    LogResultSaved(notification.Id, failures);
                }

                return;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Our lease ran out and another dispatcher holds it now; its result wins.
                db.Entry(notification).State = EntityState.Detached;
                return;
            }
            catch (Exception ex) when (storeFailures.IsUnavailable(ex))
            {
                if (failures == 0)
                {
                    LogResultPending(notification.Id, storeFailures.Describe(ex));
                }

                if (stoppingToken.IsCancellationRequested)
                {
                    LogResultLost(notification.Id);
                    throw new OperationCanceledException(stoppingToken);
                }

                try
                {
                    await Task.Delay(backoff, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // One last try on the way out, below.
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxSaveBackoff.Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Id} delivered ({AgentId}, {SessionTopic})")]
    private partial void LogDelivered(Guid id, string agentId, string sessionTopic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Id} cannot be delivered: {Reason}")]
    private partial void LogGaveUp(Guid id, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Id} attempt {Attempt} of {MaxAttempts} failed: {Error}")]
    private partial void LogAttemptFailed(Guid id, int attempt, int maxAttempts, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Id}: the result of its attempt cannot be saved yet ({Reason}); kept, retrying until the store answers")]
    private partial void LogResultPending(Guid id, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Id}: result saved after {Failures} failed tries")]
    private partial void LogResultSaved(Guid id, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Id}: shutting down before its result could be saved; it will be sent again, with the same delivery id, once its lease runs out")]
    private partial void LogResultLost(Guid id);
}
