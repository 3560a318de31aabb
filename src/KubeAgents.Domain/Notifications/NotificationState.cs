namespace KubeAgents.Domain.Notifications;

public enum NotificationState
{
    /// <summary>Waiting for its first or next attempt.</summary>
    Pending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Every attempt failed; kept with its last error.</summary>
    Failed,
}
