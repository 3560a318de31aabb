using System.Text.Json;
using System.Text.Json.Serialization;
using KubeAgents.Application.Common.Formatting;
using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// <c>json</c>: a versioned event object in the API's wire format (snake_case, empty optionals omitted,
/// UTC times), for receivers that are programs rather than chat rooms; with a secret, signed with the
/// <c>X-KubeAgents-Timestamp</c> and <c>X-KubeAgents-Signature</c> headers.
/// </summary>
internal sealed class JsonEventChannel : INotificationChannel
{
    public const string EventType = "session.finished";

    /// <summary>Raised only when a field changes meaning or goes away; new fields may appear within a version.</summary>
    public const int Version = 1;

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public WebhookMessage Render(Notification notification, ChannelContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var body = Payload(notification);
        return new WebhookMessage(body, NotificationSender.SignatureHeaders(context.Secret, context.Now, body));
    }

    public static string Payload(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var agent = new EventAgent(notification.AgentId, notification.AgentName);
        var session = new EventSession(notification.SessionTopic);
        return notification.Kind == NotificationKind.Silent
            ? JsonSerializer.Serialize(
                new SessionSilentEvent(
                    notification.Kind.ToWireName(),
                    Version,
                    agent,
                    session,
                    notification.Status.ToWireName(),
                    notification.OccurredAt.ToWireTime(),
                    notification.QuietSince?.ToWireTime(),
                    notification.QuietFor.TotalSeconds,
                    Blank(notification.Message)),
                Options)
            : JsonSerializer.Serialize(
                new SessionFinishedEvent(
                    EventType,
                    Version,
                    agent,
                    session,
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

    private sealed record SessionSilentEvent(
        string Type,
        int Version,
        EventAgent Agent,
        EventSession Session,
        string LastStatus,
        string LastStatusAt,
        string? LastReportAt,
        double QuietSeconds,
        string? Message);

    private sealed record EventAgent(string AgentId, string? Name);

    private sealed record EventSession(string SessionTopic);
}
