using System.Text;
using System.Text.Json;
using KubeAgents.Domain.Notifications;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// Slack incoming webhooks: <c>text</c> (the notification's fallback) plus Block Kit blocks (a header,
/// the facts, the message and content). User text is escaped (<c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c>), so
/// <c>&lt;!channel&gt;</c> shows as text and pings nobody; each text block stays within Slack's 3,000 characters.
/// </summary>
internal sealed class SlackChannel : INotificationChannel
{
    /// <summary>Slack's limit for a section's text object.</summary>
    public const int MaxSectionText = 3000;

    /// <summary>Slack's limit for a header block's text.</summary>
    public const int MaxHeaderText = 150;

    public WebhookMessage Render(Notification notification, ChannelContext context) => WebhookMessage.Json(Payload(notification));

    public static string Payload(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var headline = NotificationText.Headline(notification);
        var facts = new StringBuilder();
        foreach (var (label, value) in NotificationText.Facts(notification))
        {
            facts.Append('*').Append(label).Append(":* ").Append(Escape(value)).Append('\n');
        }

        var blocks = new List<object>
        {
            new { type = "header", text = new { type = "plain_text", text = NotificationText.Truncate(headline, MaxHeaderText) } },
            Section(facts.ToString().TrimEnd('\n')),
        };
        if (notification.Message is { Length: > 0 } message)
        {
            blocks.Add(Section("*Message:*\n" + Escape(message)));
        }

        if (notification.Content is { Length: > 0 } content)
        {
            blocks.Add(Section("*Content:*\n" + Escape(content)));
        }

        var text = $"{headline}: {Escape(notification.AgentId)} / {Escape(notification.SessionTopic)}";
        return JsonSerializer.Serialize(new { text = NotificationText.Truncate(text, MaxSectionText), blocks });
    }

    /// <summary>Slack's three control characters, as its docs ask: no mention, link or channel ping survives.</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    // Cut after escaping: the limit counts what Slack receives.
    private static object Section(string mrkdwn) => new { type = "section", text = new { type = "mrkdwn", text = NotificationText.Truncate(mrkdwn, MaxSectionText) } };
}
