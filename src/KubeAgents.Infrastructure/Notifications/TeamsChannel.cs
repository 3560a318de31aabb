using System.Text.Json;
using KubeAgents.Domain.Notifications;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// Microsoft Teams through a Workflows ("Post to a channel when a webhook request is received")
/// webhook: a <c>message</c> whose one attachment is an Adaptive Card (1.4): a headline, a FactSet and
/// the message and content. A Teams mention needs an <c>msteams.entities</c> entry, which is never
/// sent, and <c>&lt;at&gt;</c> in user text is broken with a zero-width space: no one is pinged.
/// </summary>
internal sealed class TeamsChannel : INotificationChannel
{
    public const string CardContentType = "application/vnd.microsoft.card.adaptive";

    /// <summary>Well under the 28 KB a Teams message may carry.</summary>
    public const int MaxText = 4000;

    public WebhookMessage Render(Notification notification, ChannelContext context) => WebhookMessage.Json(Payload(notification));

    public static string Payload(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var body = new List<object>
        {
            new { type = "TextBlock", text = NotificationText.Headline(notification), weight = "Bolder", size = "Medium", wrap = true },
            new { type = "FactSet", facts = NotificationText.Facts(notification).Select(f => new { title = f.Label, value = Escape(f.Value) }).ToArray() },
        };
        if (notification.Message is { Length: > 0 } message)
        {
            body.Add(new { type = "TextBlock", text = NotificationText.Truncate(Escape(message), MaxText), wrap = true });
        }

        if (notification.Content is { Length: > 0 } content)
        {
            body.Add(new { type = "TextBlock", text = NotificationText.Truncate(Escape(content), MaxText), wrap = true, isSubtle = true });
        }

        var card = new Dictionary<string, object>
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
        };
        return JsonSerializer.Serialize(new
        {
            type = "message",
            attachments = new[] { new Dictionary<string, object?> { ["contentType"] = CardContentType, ["contentUrl"] = null, ["content"] = card } },
        });
    }

    public static string Escape(string text) => text.Replace("<at", "<\u200Bat", StringComparison.OrdinalIgnoreCase);
}
