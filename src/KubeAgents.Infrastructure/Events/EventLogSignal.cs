namespace KubeAgents.Infrastructure.Events;

/// <summary>
/// Wakes this instance's <see cref="EventFeed"/>: raised after a local commit that wrote events, and
/// on PostgreSQL when another replica's commit is announced. Signals before it looks collapse into one.
/// </summary>
internal sealed class EventLogSignal : IDisposable
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken) =>
        WaitCoreAsync(timeout, time, cancellationToken);

    public void Dispose() => _pending.Dispose();

    private async Task<bool> WaitCoreAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        // SemaphoreSlim's own timeout runs on the system clock; the poll follows the injected one.
        using var poll = new CancellationTokenSource(timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(poll.Token, cancellationToken);
        try
        {
            await _pending.WaitAsync(either.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
