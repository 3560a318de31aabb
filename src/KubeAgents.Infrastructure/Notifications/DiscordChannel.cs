using System.Text;
using System.Text.Json;
using KubeAgents.Application.Common.Formatting;
using KubeAgents.Domain.Notifications;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// Discord webhooks: <c>content</c> (a one-line summary, at most 2,000 characters) plus one embed
/// with a colour per outcome (description at most 4,096, field values at most 1,024). Mentions cannot
/// ping: <c>allowed_mentions</c> parses none, and <c>@</c> in user text is followed by a zero-width space.
/// </summary>
internal sealed class DiscordChannel : INotificationChannel
{
    public const int MaxContent = 2000;
    public const int MaxDescription = 4096;
    public const int MaxTitle = 256;
    public const int MaxFieldValue = 1024;

    public WebhookMessage Render(Notification notification, ChannelContext context) => WebhookMessage.Json(Payload(notification));

    public static string Payload(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var headline = NotificationText.Headline(notification);
        var description = new StringBuilder();
        if (notification.Message is { Length: > 0 } message)
        {
            description.Append("**Message:** ").Append(Escape(message));
        }

        if (notification.Content is { Length: > 0 } content)
        {
            description.Append(description.Length > 0 ? "\n" : string.Empty).Append("**Content:** ").Append(Escape(content));
        }

        var embed = new Dictionary<string, object>
        {
            ["title"] = NotificationText.Truncate(headline, MaxTitle),
            ["color"] = NotificationText.Colour(notification),
            ["fields"] = NotificationText.Facts(notification)
                .Select(f => new { name = f.Label, value = NotificationText.Truncate(Escape(f.Value), MaxFieldValue), inline = true })
                .ToArray(),
            ["timestamp"] = notification.OccurredAt.ToWireTime(),
        };
        if (description.Length > 0)
        {
            embed["description"] = NotificationText.Truncate(description.ToString(), MaxDescription);
        }

        var summary = $"{headline}: {Escape(notification.AgentId)} / {Escape(notification.SessionTopic)}";
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["content"] = NotificationText.Truncate(summary, MaxContent),
            ["embeds"] = new[] { embed },
            ["allowed_mentions"] = new { parse = Array.Empty<string>() },
        });
    }

    /// <summary>Breaks every mention (<c>@everyone</c>, <c>@here</c>, <c>&lt;@id&gt;</c>) with a zero-width space after the <c>@</c>.</summary>
    public static string Escape(string text) => text.Replace("@", "@\u200B", StringComparison.Ordinal);
}
