using KubeAgents.Domain.Notifications;

namespace KubeAgents.Application.Notifications;

/// <summary>
/// Where and in what format a due notification goes: one attempt. The dispatcher owns claiming,
/// retries and recording results; a channel only writes the notification's facts in its format and
/// sends them. A new channel is a new implementation, selected by configuration.
/// </summary>
public interface INotificationChannel
{
    /// <summary>Sends <paramref name="notification"/> once. Every attempt carries the same delivery id (<see cref="Notification.Id"/>).</summary>
    /// <returns>null when delivered, else what went wrong (kept as the attempt's error).</returns>
    Task<string?> SendAsync(Notification notification, CancellationToken cancellationToken);
}
