using KubeAgents.Application.Common.Interfaces;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>A wake-up flag: any number of signals before the dispatcher looks collapse into one.</summary>
internal sealed class NotificationSignal : INotificationSignal, IDisposable
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
