using System.Text.Json;
using System.Text.Json.Serialization;
using KubeAgents.Application.Common.Formatting;
using KubeAgents.Application.Notifications;
using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// <c>NOTIFICATION_FORMAT=json</c>: a versioned event object in the API's wire format (snake_case,
/// empty optionals omitted, UTC times), for receivers that are programs rather than chat rooms.
/// </summary>
internal sealed class JsonEventChannel(NotificationSender sender) : INotificationChannel
{
    public const string EventType = "session.finished";

    /// <summary>Raised only when a field changes meaning or goes away; new fields may appear within a version.</summary>
    public const int Version = 1;

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public Task<string?> SendAsync(Notification notification, CancellationToken cancellationToken) =>
        sender.PostAsync(notification.Id, Payload(notification), cancellationToken);

    public static string Payload(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return JsonSerializer.Serialize(
            new SessionFinishedEvent(
                EventType,
                Version,
                new EventAgent(notification.AgentId, notification.AgentName),
                new EventSession(notification.SessionTopic),
                notification.PreviousStatus.ToWireName(),
                notification.Status.ToWireName(),
                notification.Duration.TotalSeconds,
                notification.OccurredAt.ToWireTime(),
                Blank(notification.Message),
                Blank(notification.Content)),
            Options);
    }

    private static string? Blank(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private sealed record SessionFinishedEvent(
        string Type,
        int Version,
        EventAgent Agent,
        EventSession Session,
        string From,
        string To,
        double DurationSeconds,
        string OccurredAt,
        string? Message,
        string? Content);

    private sealed record EventAgent(string AgentId, string? Name);

    private sealed record EventSession(string SessionTopic);
}
