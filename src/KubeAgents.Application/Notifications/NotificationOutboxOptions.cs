namespace KubeAgents.Application.Notifications;

/// <summary>Whether finished sessions are written to the notification outbox (a webhook URL is configured).</summary>
public sealed class NotificationOutboxOptions
{
    public bool Enabled { get; set; }
}
