using System.Text;
using System.Text.Json;
using KubeAgents.Application.Common.Formatting;
using KubeAgents.Application.Notifications;
using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary><c>NOTIFICATION_FORMAT=lark</c> (the default): the Lark/Feishu bot text message the original service sent, byte for byte.</summary>
internal sealed class LarkChannel(NotificationSender sender) : INotificationChannel
{
    public Task<string?> SendAsync(Notification notification, CancellationToken cancellationToken) =>
        sender.PostAsync(notification.Id, Payload(notification), cancellationToken);

    /// <summary><c>{"msg_type":"text","content":{"text":"..."}}</c>.</summary>
    public static string Payload(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["msg_type"] = "text",
            ["content"] = new Dictionary<string, string> { ["text"] = notification.LegacyText ?? Text(notification) },
        });
    }

    /// <summary>The message text: agent, session, the move, the finishing report's time, the duration, message and content when present.</summary>
    public static string Text(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var text = new StringBuilder()
            .Append("🔔 Session Status Change\n\n")
            .Append("Agent ID: ").Append(notification.AgentId).Append('\n')
            .Append("Agent Name: ").Append(notification.AgentName ?? notification.AgentId).Append('\n')
            .Append("Session: ").Append(notification.SessionTopic).Append('\n')
            .Append("Status: ").Append(notification.PreviousStatus.ToWireName()).Append(" → ").Append(notification.Status.ToWireName()).Append('\n')
            .Append("Timestamp: ").Append(notification.OccurredAt.ToWireTime()).Append('\n')
            .Append("Duration: ").Append(FormatDuration(notification.Duration));
        if (notification.Message is { Length: > 0 } message)
        {
            text.Append("\nMessage: ").Append(message);
        }

        if (notification.Content is { Length: > 0 } content)
        {
            text.Append("\nContent: ").Append(content);
        }

        return text.ToString();
    }

    /// <summary><c>1h 2m 3s</c>, <c>4m 5s</c>, <c>6s</c>; hours keep counting past a day.</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        var hours = (long)duration.TotalHours;
        return hours > 0 ? $"{hours}h {duration.Minutes}m {duration.Seconds}s"
            : duration.Minutes > 0 ? $"{duration.Minutes}m {duration.Seconds}s"
            : $"{duration.Seconds}s";
    }
}
