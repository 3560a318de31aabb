using KubeAgents.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>Where and how finished sessions are announced. Disabled without <c>NOTIFICATION_WEBHOOK_URL</c>.</summary>
public sealed record NotificationSettings(Uri? WebhookUrl, TimeSpan Timeout, int MaxAttempts, string? Secret, NotificationFormat Format = NotificationFormat.Lark)
{
    public bool Enabled => WebhookUrl is not null;

    public static NotificationSettings Read(IConfiguration configuration)
    {
        Uri? url = null;
        if (configuration.GetSetting("NOTIFICATION_WEBHOOK_URL") is { } text &&
            (!Uri.TryCreate(text, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https")))
        {
            throw new InvalidConfigurationException($"NOTIFICATION_WEBHOOK_URL must be an absolute http(s) URL, got '{text}'.");
        }

        return new NotificationSettings(
            url,
            TimeSpan.FromSeconds(configuration.GetInt32Setting("NOTIFICATION_TIMEOUT_SECONDS", 5, 1, 300)),
            configuration.GetInt32Setting("NOTIFICATION_MAX_ATTEMPTS", 8, 1, 100),
            configuration["NOTIFICATION_WEBHOOK_SECRET"] is { Length: > 0 } secret ? secret : null,
            ReadFormat(configuration));
    }

    private static NotificationFormat ReadFormat(IConfiguration configuration) => configuration.GetSetting("NOTIFICATION_FORMAT") switch
    {
        null or "lark" => NotificationFormat.Lark,
        "json" => NotificationFormat.Json,
        var other => throw new InvalidConfigurationException($"NOTIFICATION_FORMAT must be lark or json, got '{other}'."),
    };
}

/// <summary>The body a finished session is announced with (<c>NOTIFICATION_FORMAT</c>).</summary>
public enum NotificationFormat
{
    /// <summary>The Lark/Feishu bot text message of the original service.</summary>
    Lark,

    /// <summary>A versioned <c>session.finished</c> event object.</summary>
    Json,
}
