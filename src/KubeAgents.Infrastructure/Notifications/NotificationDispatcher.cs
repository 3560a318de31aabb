using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Diagnostics;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// Delivers the notification outbox: claims due notifications (one dispatcher per notification, even
/// across replicas), sends each to its route concurrently, and records each result under its claim
/// as soon as it is known, so a slow route does not hold back the others' results. Polls every
/// <see cref="PollInterval"/> and wakes at once for notifications this instance committed.
/// </summary>
/// <remarks>
/// A claimer that crashes mid-attempt leaves its claim to expire after the lease; the notification
/// is then sent again with the same <c>X-KubeAgents-Delivery</c> id, so receivers can drop the copy.
/// On shutdown it claims nothing more and gives in-flight attempts <see cref="ShutdownGrace"/>; any
/// still unsent are released as pending. A result the store cannot take (an outage) is kept and saved
/// once the store answers, before anything new is claimed.
/// </remarks>
internal sealed partial class NotificationDispatcher(
    IServiceScopeFactory scopeFactory,
    INotificationClaims claims,
    NotificationDelivery delivery,
    NotificationSignal signal,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    KubeAgentsMetrics metrics,
    IStoreFailureClassifier storeFailures,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    // Only this service's own loop reads and writes them.
    private bool _storeDown;
    private bool _active;

    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>How often a dispatcher with nothing to do (no route, no implicit route, nothing pending) looks again, besides being woken.</summary>
    public static readonly TimeSpan IdleInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(3);
    private const int BatchSize = 16;

    // Well inside the lease, so a result kept through an outage is saved soon after the store is back.
    private static readonly TimeSpan MaxSaveBackoff = TimeSpan.FromSeconds(4);

    // Longer than any attempt, so a live claimer never loses its claim mid-attempt.
    private TimeSpan Lease => options.Value.Timeout + TimeSpan.FromSeconds(30);

    /// <summary>Claims and attempts one batch of due notifications.</summary>
    /// <returns>How many were attempted.</returns>
    public async Task<int> DispatchOnceAsync(CancellationToken stoppingToken)
    {
        var scope = scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>();
            var batch = await claims.ClaimDueAsync(db, time.GetUtcNow(), Lease, BatchSize, stoppingToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                return 0;
            }

            var routes = await NotificationDelivery.RoutesOfAsync(db, batch, stoppingToken).ConfigureAwait(false);
            using var inFlight = new CancellationTokenSource();
            using var graceOnStop = stoppingToken.Register(() => inFlight.CancelAfter(ShutdownGrace));
            var attempts = batch.Select(async n => (Notification: n, Result: await delivery.SendAsync(n, routes, inFlight.Token).ConfigureAwait(false)));
            await foreach (var attempt in Task.WhenEach(attempts).ConfigureAwait(false))
            {
                var (notification, result) = await attempt.ConfigureAwait(false);
                await RecordAsync(db, notification, result, inFlight.IsCancellationRequested, time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
            }

            return batch.Count;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A service with no route polls nothing: it looks once a minute, or when woken by its own outbox.
        _active = options.Value.Enabled;
        while (!stoppingToken.IsCancellationRequested)
        {
            var attempted = 0;
            try
            {
                _active = _active || await HasWorkAsync(stoppingToken).ConfigureAwait(false);
                attempted = _active ? await DispatchOnceAsync(stoppingToken).ConfigureAwait(false) : 0;
                if (_storeDown)
                {
                    _storeDown = false;
                    LogStoreBack();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException && storeFailures.IsUnavailable(ex))
            {
                // One line when an outage starts, with its cause; not one stack trace per poll.
                if (!_storeDown)
                {
                    _storeDown = true;
                    LogStoreDown(storeFailures.Describe(ex));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogDispatchFailed(ex);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            if (attempted < BatchSize)
            {
                await WaitForWorkAsync(_active ? PollInterval : IdleInterval, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RecordAsync(
        KubeAgentsDbContext db, Notification notification, SendResult result, bool stopping, DateTimeOffset now, CancellationToken stoppingToken)
    {
        var error = result.Error;
        if (error is null)
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
        else if (stopping)
        {
            notification.Release();
            metrics.NotificationAttempt(KubeAgentsMetrics.Outcome.Interrupted);
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
    /// it is saved when the store answers, and nothing new is claimed meanwhile (this dispatcher waits).
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

    private async Task<bool> HasWorkAsync(CancellationToken stoppingToken)
    {
        var scope = scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>();
            return await db.NotificationRoutes.AnyAsync(stoppingToken).ConfigureAwait(false)
                || await db.Notifications.AnyAsync(n => n.State == NotificationState.Pending, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task WaitForWorkAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        try
        {
            await Task.WhenAny(signal.WaitAsync(wake.Token), Task.Delay(interval, time, wake.Token)).ConfigureAwait(false);
        }
        finally
        {
            await wake.CancelAsync().ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification dispatch failed; retrying at the next poll")]
    private partial void LogDispatchFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification dispatch paused, the database is unavailable: {Cause}; polling until it answers")]
    private partial void LogStoreDown(string cause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification dispatch resumed: the database answers again")]
    private partial void LogStoreBack();
}
