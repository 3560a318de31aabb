using System.Threading.Channels;
using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// One dispatcher's attempts in flight: at most <see cref="MaxInFlight"/> in all and
/// <see cref="MaxInFlightPerRoute"/> per route, so a route whose receiver hangs until the timeout
/// holds a few slots and every other route keeps the rest. Attempts run concurrently; their results
/// queue up for the dispatcher's loop, the only caller of everything here but <see cref="Interrupt"/>.
/// </summary>
internal sealed class NotificationAttempts(NotificationDelivery delivery) : IDisposable
{
    public const int MaxInFlight = 64;
    public const int MaxInFlightPerRoute = 16;

    private readonly Dictionary<Guid, int> _perRoute = [];
    private readonly Channel<FinishedAttempt> _finished = Channel.CreateUnbounded<FinishedAttempt>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _interrupt = new();

    public int Count { get; private set; }

    /// <summary>How many more attempts may start.</summary>
    public int Room => MaxInFlight - Count;

    /// <summary>The routes at their cap, which the next claim leaves out (<see cref="Guid.Empty"/> stands for the implicit route).</summary>
    public IReadOnlyCollection<Guid> FullRoutes => [.. _perRoute.Where(r => r.Value >= MaxInFlightPerRoute).Select(r => r.Key)];

    public static Guid RouteKey(Notification notification) => notification.RouteId ?? Guid.Empty;

    /// <summary>
    /// Starts an attempt for each claimed notification, at once (its lease runs from its claim),
    /// except those over their route's cap, which are returned for the caller to release unsent.
    /// </summary>
    public List<Notification> Start(ClaimedBatch batch, IReadOnlyList<Notification> claimed)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(claimed);
        var overCap = new List<Notification>();
        foreach (var notification in claimed)
        {
            var route = RouteKey(notification);
            var running = _perRoute.GetValueOrDefault(route);
            if (running >= MaxInFlightPerRoute)
            {
                overCap.Add(notification);
                continue;
            }

            _perRoute[route] = running + 1;
            Count++;
            batch.Pending++;
            _ = RunAsync(batch, notification);
        }

        return overCap;
    }

    /// <summary>Takes every finished attempt waiting (none: an empty list) and frees their slots.</summary>
    public List<FinishedAttempt> TakeAll()
    {
        var taken = new List<FinishedAttempt>();
        while (_finished.Reader.TryRead(out var finished))
        {
            taken.Add(finished);
            Count--;
            var route = RouteKey(finished.Notification);
            if (--_perRoute[route] == 0)
            {
                _perRoute.Remove(route);
            }
        }

        return taken;
    }

    /// <summary>Completes when an attempt has finished (at once if one is waiting to be taken).</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _finished.Reader.WaitToReadAsync(cancellationToken).AsTask();

    /// <summary>Cancels every attempt still in flight after <paramref name="grace"/>; each then finishes as <see cref="SendResult.Interrupted"/>. Thread-safe.</summary>
    public void Interrupt(TimeSpan grace) => _interrupt.CancelAfter(grace);

    public void Dispose() => _interrupt.Dispose();

    private async Task RunAsync(ClaimedBatch batch, Notification notification)
    {
        var result = SendResult.Interrupted;
        try
        {
            result = await delivery.SendAsync(notification, batch.Routes, _interrupt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_interrupt.IsCancellationRequested)
        {
            // Shutting down: released unsent.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A channel that throws while rendering: a failed attempt, retried like any other.
            result = new SendResult(null, $"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            // Always, so the slot is freed and the batch's context disposed.
            _finished.Writer.TryWrite(new FinishedAttempt(batch, notification, result));
        }
    }
}

/// <summary>Notifications claimed together: tracked by one context, kept until the last attempt's result is saved.</summary>
internal sealed class ClaimedBatch(AsyncServiceScope scope) : IAsyncDisposable
{
    public KubeAgentsDbContext Db { get; } = scope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>();

    /// <summary>The claimed notifications' routes, by id.</summary>
    public IReadOnlyDictionary<Guid, NotificationRoute> Routes { get; set; } = new Dictionary<Guid, NotificationRoute>();

    /// <summary>Attempts started and not yet recorded.</summary>
    public int Pending { get; set; }

    public ValueTask DisposeAsync() => scope.DisposeAsync();
}

internal sealed record FinishedAttempt(ClaimedBatch Batch, Notification Notification, SendResult Result);
