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
    /// <summary>
    /// Records every finished attempt waiting in <paramref name="attempts"/>, freeing its slot. The
    /// results taken together (every attempt that ended since the last save) are saved in one
    /// transaction: on SQLite each write transaction takes its turn with the reports' writes.
    /// </summary>
    private async Task RecordFinishedAsync(NotificationAttempts attempts, CancellationToken stoppingToken)
    {
        var taken = new List<FinishedAttempt>();
        while (attempts.TryTake(out var first))
        {
            taken.Add(first);
            while (attempts.TryTake(out var next))
            {
                taken.Add(next);
            }

            try
            {
                await RecordAsync(taken, time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
            }
            finally
            {
                foreach (var finished in taken.Where(f => --f.Batch.Pending == 0))
                {
                    await finished.Batch.DisposeAsync().ConfigureAwait(false);
                }

                taken.Clear();
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
            await SaveResultsAsync(scope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>(), results, stoppingToken).ConfigureAwait(false);
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

    /// <summary>
    /// Saves the results in one transaction; if that fails for any reason but an outage (a claim lost
    /// past its lease, a row the store refuses), saves them one by one, so one row cannot lose the others.
    /// </summary>
    private async Task SaveResultsAsync(KubeAgentsDbContext db, List<KeptResult> results, CancellationToken stoppingToken)
    {
        if (results.Count > 1)
        {
            results.ForEach(r => r.TrackIn(db));
            try
            {
                if (await SaveKeptAsync(db, results, stoppingToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSaveTogetherFailed(results.Count, ex);
            }
        }

        foreach (var result in results)
        {
            db.ChangeTracker.Clear();
            result.TrackIn(db);
            try
            {
                // False for a claim lost past its lease: the dispatcher that holds it now saves its own result.
                await SaveKeptAsync(db, [result], stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogResultFailed(result.Notification.Id, ex);
            }
        }
    }

    /// <summary>
    /// Saves results tracked by <paramref name="db"/>, retrying with backoff while the store is
    /// unavailable; false when a claim token refused the save. A result lost to a short outage would
    /// let the lease run out and the notification be sent again; kept here, it is saved when the store
    /// answers, and nothing new is claimed meanwhile (this dispatcher's loop waits; attempts in flight
    /// go on, their results queue up). Past the lease, another dispatcher may have claimed it again:
    /// the claim token then refuses the save.
    /// </summary>
    private async Task<bool> SaveKeptAsync(KubeAgentsDbContext db, IReadOnlyList<KeptResult> kept, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        for (var failures = 0; ; failures++)
        {
            try
            {
                // Not cancellable: the attempts happened and their results must be kept.
                await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
                if (failures > 0)
                {
                    foreach (var k in kept)
                    {
                        LogResultSaved(k.Notification.Id, failures);
                    }
                }

                return true;
            }
            catch (DbUpdateConcurrencyException)
            {
                return false;
            }
            catch (Exception ex) when (storeFailures.IsUnavailable(ex))
            {
                if (failures == 0)
                {
                    foreach (var k in kept)
                    {
                        LogResultPending(k.Notification.Id, storeFailures.Describe(ex));
                    }
                }

                if (stoppingToken.IsCancellationRequested)
                {
                    foreach (var k in kept)
                    {
                        LogResultLost(k.Notification.Id);
                    }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The results of {Count} notification attempts could not be saved together; saving them one by one")]
    private partial void LogSaveTogetherFailed(int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Id}: the result of its attempt could not be saved; it will be sent again, with the same delivery id, once its lease runs out")]
    private partial void LogResultFailed(Guid id, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Id}: shutting down before its result could be saved; it will be sent again, with the same delivery id, once its lease runs out")]
    private partial void LogResultLost(Guid id);
}
