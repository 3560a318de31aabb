namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// Wakes this instance's dispatcher after a notification was committed, so it need not wait for its
/// next poll. A flag: any number of signals before the dispatcher looks collapse into one.
/// </summary>
internal sealed class NotificationSignal : IDisposable
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

    public Task WaitAsync(CancellationToken cancellationToken) => _pending.WaitAsync(cancellationToken);

    public void Dispose() => _pending.Dispose();
}
