using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KubeAgents.Application.Common.Formatting;
using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// Lark/Feishu custom bots: the text message the original service sent, byte for byte, and with a
/// route secret the bot's documented signature (<c>timestamp</c> and <c>sign</c> in the body). A
/// <c>&lt;at</c> in user text is broken with a zero-width space, so <c>&lt;at user_id="all"&gt;</c> pings nobody.
/// </summary>
internal sealed class LarkChannel : INotificationChannel
{
    /// <summary>Lark refuses a request body over 20 KB; a longer text is cut (and marked) to fit.</summary>
    public const int MaxBodyBytes = 20 * 1024;

    public WebhookMessage Render(Notification notification, ChannelContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Secret is not { } secret)
        {
            return WebhookMessage.Json(Payload(notification));
        }

        var timestamp = context.Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var sign = Sign(secret, timestamp);
        return WebhookMessage.Json(Fit(notification.LegacyText ?? Text(notification), text => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["timestamp"] = timestamp,
            ["sign"] = sign,
            ["msg_type"] = "text",
            ["content"] = new Dictionary<string, string> { ["text"] = text },
        })));
    }

    /// <summary><c>{"msg_type":"text","content":{"text":"..."}}</c>.</summary>
    public static string Payload(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return Fit(notification.LegacyText ?? Text(notification), text => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["msg_type"] = "text",
            ["content"] = new Dictionary<string, string> { ["text"] = text },
        }));
    }

    /// <summary>The body of <paramref name="text"/>, or of as much of it as fits in <see cref="MaxBodyBytes"/> (unchanged when it fits).</summary>
    private static string Fit(string text, Func<string, string> body)
    {
        var payload = body(text);
        for (var length = text.Length; Encoding.UTF8.GetByteCount(payload) > MaxBodyBytes && length > 0;)
        {
            // Escaped JSON may take up to 6 bytes a character: shrink in proportion, with room to spare.
            length = (int)(length * (MaxBodyBytes / (double)Encoding.UTF8.GetByteCount(payload)) * 0.95);
            payload = body(NotificationText.Truncate(text, Math.Max(length, NotificationText.TruncationMark.Length)));
        }

        return payload;
    }

    /// <summary>Lark's signature: base64 of HMAC-SHA256 keyed with <c>"{timestamp}\n{secret}"</c> over nothing.</summary>
    public static string Sign(string secret, string timestamp) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes($"{timestamp}\n{secret}"), Array.Empty<byte>()));

    /// <summary>The message text: agent, session, the move (or the last status and quiet time), the time, message and content when present.</summary>
    public static string Text(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var text = new StringBuilder();
        if (notification.Kind == NotificationKind.Silent)
        {
            text.Append("🔕 Session Went Silent\n\n");
            Identity(text, notification)
                .Append("Last Status: ").Append(notification.Status.ToWireName()).Append('\n')
                .Append("Last Status At: ").Append(notification.OccurredAt.ToWireTime()).Append('\n')
                .Append("Quiet For: ").Append(FormatDuration(notification.QuietFor));
        }
        else
        {
            text.Append("🔔 Session Status Change\n\n");
            Identity(text, notification)
                .Append("Status: ").Append(notification.PreviousStatus.ToWireName()).Append(" → ").Append(notification.Status.ToWireName()).Append('\n')
                .Append("Timestamp: ").Append(notification.OccurredAt.ToWireTime()).Append('\n')
                .Append("Duration: ").Append(FormatDuration(notification.Duration));
        }

        if (notification.Message is { Length: > 0 } message)
        {
            text.Append("\nMessage: ").Append(Escape(message));
        }

        if (notification.Content is { Length: > 0 } content)
        {
            text.Append("\nContent: ").Append(Escape(content));
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

    public static string Escape(string text) => text.Replace("<at", "<\u200Bat", StringComparison.OrdinalIgnoreCase);

    private static StringBuilder Identity(StringBuilder text, Notification notification) => text
        .Append("Agent ID: ").Append(Escape(notification.AgentId)).Append('\n')
        .Append("Agent Name: ").Append(Escape(notification.AgentName ?? notification.AgentId)).Append('\n')
        .Append("Session: ").Append(Escape(notification.SessionTopic)).Append('\n');
}
