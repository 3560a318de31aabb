using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.Extensions.Logging;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// Saves attempts' results under their claims, many in one transaction, and keeps them through a
/// store outage. Logs under the dispatcher's category: it is the dispatcher's work.
/// </summary>
internal sealed partial class NotificationResults(IStoreFailureClassifier storeFailures, TimeProvider time, ILogger<NotificationDispatcher> logger)
{
    // Well inside the lease, so a result kept through an outage is saved soon after the store is back.
    private static readonly TimeSpan MaxSaveBackoff = TimeSpan.FromSeconds(4);

    /// <summary>
    /// Saves the results in one transaction; if that fails for any reason but an outage (a claim lost
    /// past its lease, a row the store refuses), saves them one by one, so one row cannot lose the others.
    /// </summary>
    public async Task SaveAsync(KubeAgentsDbContext db, List<KeptResult> results, CancellationToken stoppingToken)
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

/// <summary>
/// An attempt's result, moved from the context that claimed its notification to the one that saves
/// it with others, with the values it was claimed with (its claim token among them: the save's condition).
/// </summary>
internal sealed class KeptResult
{
    private readonly PropertyValues _claimed;
    private readonly string[] _changed;

    private KeptResult(Notification notification, PropertyValues claimed, string[] changed)
    {
        Notification = notification;
        _claimed = claimed;
        _changed = changed;
    }

    public Notification Notification { get; }

    /// <summary>Takes the changed <paramref name="notification"/> out of <paramref name="claimedBy"/>.</summary>
    public static KeptResult Take(KubeAgentsDbContext claimedBy, Notification notification)
    {
        ArgumentNullException.ThrowIfNull(claimedBy);
        var entry = claimedBy.Entry(notification);
        var kept = new KeptResult(notification, entry.OriginalValues.Clone(), [.. entry.Properties.Where(p => p.IsModified).Select(p => p.Metadata.Name)]);
        entry.State = EntityState.Detached;
        return kept;
    }

    /// <summary>Tracks the notification in <paramref name="db"/> as changed since its claim.</summary>
    public void TrackIn(KubeAgentsDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        var entry = db.Attach(Notification);
        entry.OriginalValues.SetValues(_claimed);
        foreach (var name in _changed)
        {
            entry.Property(name).IsModified = true;
        }
    }
}
