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
/// across replicas), sends each to its route at once, and records each result under its claim as soon
/// as it is known, those known together in one transaction. It keeps claiming while attempts are in flight, up to <see cref="NotificationAttempts.MaxInFlight"/>
/// in all and <see cref="NotificationAttempts.MaxInFlightPerRoute"/> per route, so a route that hangs
/// until the timeout holds a few slots and never delays another route's deliveries. Polls every
/// <see cref="PollInterval"/> and wakes at once for notifications this instance committed and for
/// each attempt that ends.
/// </summary>
/// <remarks>
/// A claimer that crashes mid-attempt leaves its claim to expire after the lease; the notification
/// is then sent again with the same <c>X-KubeAgents-Delivery</c> id, so receivers can drop the copy.
/// On shutdown it claims nothing more and gives in-flight attempts <see cref="ShutdownGrace"/>; those
/// still unanswered are cancelled and released as pending, unsent, for whoever claims next. A result
/// the store cannot take (an outage) is kept and saved once the store answers, before anything new is
/// claimed.
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
    AfterStart afterStart,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    // Only this service's own loop reads and writes them.
    private bool _storeDown;
    private bool _active;

    /// <summary>Marks the dispatcher's look for work (routes, pending notifications) in the SQL, as <see cref="Events.EventFeed.QueryTag"/> marks the feed's reads.</summary>
    public const string QueryTag = "background: notification dispatcher";

    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>How often a dispatcher with nothing to do (no route, no implicit route, nothing pending) looks again, besides being woken.</summary>
    public static readonly TimeSpan IdleInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(3);
    private const int BatchSize = 16;

    /// <summary>
    /// How long a claim keeps a notification from every other claimer: longer than any attempt, so a
    /// live claimer never loses its claim mid-attempt. Each notification's lease runs from its own
    /// claim, and its attempt starts in the same step (a claim never takes more than the free slots,
    /// so nothing claimed waits for a slot); the sender cancels the attempt at the timeout, and the
    /// loop saves the result as soon as it is taken (with every other result taken then), between one
    /// claim or save and the next. Keeping attempts in flight while claiming more changes none of
    /// this. Only a store outage longer than the 30 s margin can hold a result past its lease; the
    /// claim token then refuses the late save.
    /// </summary>
    private TimeSpan Lease => options.Value.Timeout + TimeSpan.FromSeconds(30);

    /// <summary>Claims one batch of due notifications, attempts them and records every result.</summary>
    /// <returns>How many were attempted.</returns>
    public async Task<int> DispatchOnceAsync(CancellationToken stoppingToken)
    {
        using var attempts = new NotificationAttempts(delivery);
        using var graceOnStop = stoppingToken.Register(() => attempts.Interrupt(ShutdownGrace));
        var (claimed, _) = await ClaimAndStartAsync(attempts, BatchSize, stoppingToken).ConfigureAwait(false);
        await FinishInFlightAsync(attempts, stoppingToken).ConfigureAwait(false);
        return claimed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first look at the outbox waits for the start to end (see AfterStart). Nothing is missed: that
        // look finds whatever was committed meanwhile.
        try
        {
            await afterStart.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        using var attempts = new NotificationAttempts(delivery);
        using var graceOnStop = stoppingToken.Register(() => attempts.Interrupt(ShutdownGrace));

        // A service with no route polls nothing: it looks once a minute, or when woken by its own outbox.
        _active = options.Value.Enabled;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RecordFinishedAsync(attempts, stoppingToken).ConfigureAwait(false);
                _active = _active || await HasWorkAsync(stoppingToken).ConfigureAwait(false);
                if (_active)
                {
                    await ClaimWhileRoomAsync(attempts, stoppingToken).ConfigureAwait(false);
                }

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
                break;
            }

            await WaitForWorkAsync(attempts, _active ? PollInterval : IdleInterval, stoppingToken).ConfigureAwait(false);
        }

        await FinishInFlightAsync(attempts, stoppingToken).ConfigureAwait(false);
    }

    /// <summary>Claims due notifications while there are free slots and due notifications to fill them.</summary>
    private async Task ClaimWhileRoomAsync(NotificationAttempts attempts, CancellationToken stoppingToken)
    {
        while (attempts.Room > 0)
        {
            var wanted = Math.Min(BatchSize, attempts.Room);
            var (claimed, started) = await ClaimAndStartAsync(attempts, wanted, stoppingToken).ConfigureAwait(false);
            if (claimed < wanted || started == 0)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Claims up to <paramref name="wanted"/> due notifications, leaving out routes at their cap, and
    /// starts their attempts. Two routes can reach their cap within one claim: what is over it is
    /// released at once, unsent.
    /// </summary>
    private async Task<(int Claimed, int Started)> ClaimAndStartAsync(NotificationAttempts attempts, int wanted, CancellationToken stoppingToken)
    {
        var batch = new ClaimedBatch(scopeFactory.CreateAsyncScope());
        try
        {
            var claimed = await claims.ClaimDueAsync(batch.Db, time.GetUtcNow(), Lease, wanted, attempts.FullRoutes, stoppingToken).ConfigureAwait(false);
            if (claimed.Count == 0)
            {
                return (0, 0);
            }

            batch.Routes = await NotificationDelivery.RoutesOfAsync(batch.Db, claimed, stoppingToken).ConfigureAwait(false);
            var overCap = attempts.Start(batch, claimed);
            if (overCap.Count > 0)
            {
                overCap.ForEach(n => n.Release());
                await batch.Db.SaveChangesAsync(stoppingToken).ConfigureAwait(false);
            }

            return (claimed.Count, claimed.Count - overCap.Count);
        }
        finally
        {
            // Otherwise the last attempt's record disposes it.
            if (batch.Pending == 0)
            {
                await batch.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits for every attempt in flight (cancelled <see cref="ShutdownGrace"/> after a stop) and records it.</summary>
    private async Task FinishInFlightAsync(NotificationAttempts attempts, CancellationToken stoppingToken)
    {
        while (attempts.Count > 0)
        {
            await attempts.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await RecordFinishedAsync(attempts, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // A result the store could not take on the way out (logged): its lease will run out.
            }
        }
    }

    private async Task<bool> HasWorkAsync(CancellationToken stoppingToken)
    {
        var scope = scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>();
            return await db.NotificationRoutes.TagWith(QueryTag).AnyAsync(stoppingToken).ConfigureAwait(false)
                || await db.Notifications.TagWith(QueryTag).AnyAsync(n => n.State == NotificationState.Pending, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for a notification this instance committed, an attempt that ended, or the poll.</summary>
    private async Task WaitForWorkAsync(NotificationAttempts attempts, TimeSpan interval, CancellationToken stoppingToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        try
        {
            await Task.WhenAny(signal.WaitAsync(wake.Token), Task.Delay(interval, time, wake.Token), attempts.WaitAsync(wake.Token)).ConfigureAwait(false);
        }
        finally
        {
            await wake.CancelAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification dispatch failed; retrying at the next poll")]
    private partial void LogDispatchFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification dispatch paused, the database is unavailable: {Cause}; polling until it answers")]
    private partial void LogStoreDown(string cause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification dispatch resumed: the database answers again")]
    private partial void LogStoreBack();
}
