namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// Wakes this instance's dispatcher after a notification was committed, so it need not wait for its
/// next poll. Signals before the dispatcher looks collapse into one.
/// </summary>
internal sealed class NotificationSignal : WakeSignal;
