namespace KubeAgents.Infrastructure;

/// <summary>
/// A flag that wakes one background loop: any number of signals before the loop looks collapse into
/// one. <see cref="Notify"/> runs on the request path (after each committed batch), so an already
/// raised flag costs a read, not a thrown exception.
/// </summary>
internal abstract class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        if (_pending.CurrentCount > 0)
        {
            return;
        }

        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Raised by another thread between the check and the release.
        }
    }

    /// <summary>Waits for the flag, and lowers it.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _pending.WaitAsync(cancellationToken);

    /// <summary>Waits for the flag up to <paramref name="timeout"/> on <paramref name="time"/> (SemaphoreSlim's own timeout runs on the system clock).</summary>
    /// <returns>Whether the flag was raised (false when the timeout passed).</returns>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
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

    public void Dispose()
    {
        _pending.Dispose();
        GC.SuppressFinalize(this);
    }
}
