using KubeAgents.Domain.Notifications;
using KubeAgents.Application.Common.Settings;
using Microsoft.Extensions.Configuration;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// Delivery settings for every route, and the implicit route of <c>NOTIFICATION_WEBHOOK_URL</c>
/// (disabled without it): its format, secret and events.
/// </summary>
public sealed class NotificationOptions : IServiceSettings
{
    public const string WebhookUrlKey = "NOTIFICATION_WEBHOOK_URL";
    public const string TimeoutKey = "NOTIFICATION_TIMEOUT_SECONDS";
    public const string MaxAttemptsKey = "NOTIFICATION_MAX_ATTEMPTS";
    public const string SecretKey = "NOTIFICATION_WEBHOOK_SECRET";
    public const string FormatKey = "NOTIFICATION_FORMAT";
    public const string EventsKey = "NOTIFICATION_EVENTS";

    public Uri? WebhookUrl { get; set; }

    /// <summary>Of one attempt.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    public int MaxAttempts { get; set; } = 8;

    /// <summary>Signs every delivery when set.</summary>
    public string? Secret { get; set; }

    public NotificationFormat Format { get; set; } = NotificationFormat.Lark;

    /// <summary>What the implicit route announces: <c>finished</c> by default, as before routes existed.</summary>
    public NotificationEvents Events { get; set; } = NotificationEvents.Finished;

    public bool Enabled => WebhookUrl is not null;

    /// <summary>The channel the implicit route renders with.</summary>
    public string ChannelName => Format == NotificationFormat.Json ? "json" : "lark";

    public void Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        WebhookUrl = null;
        if (configuration.GetSetting(WebhookUrlKey) is { } text)
        {
            WebhookUrl = Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                ? url
                : throw new InvalidConfigurationException($"{WebhookUrlKey} must be an absolute http(s) URL, got '{text}'.");
        }

        Timeout = TimeSpan.FromSeconds(configuration.GetInt32Setting(TimeoutKey, 5, 1, 300));
        MaxAttempts = configuration.GetInt32Setting(MaxAttemptsKey, 8, 1, 100);
        Secret = configuration[SecretKey] is { Length: > 0 } secret ? secret : null;
        Format = configuration.GetSetting(FormatKey) switch
        {
            null or "lark" => NotificationFormat.Lark,
            "json" => NotificationFormat.Json,
            var other => throw new InvalidConfigurationException($"{FormatKey} must be lark or json, got '{other}'."),
        };
        Events = NotificationEvents.Finished;
        if (configuration.GetSetting(EventsKey) is { } events)
        {
            Events = NotificationEvents.None;
            foreach (var name in events.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                Events |= NotificationEventNames.TryParse(name, out var e)
                    ? e
                    : throw new InvalidConfigurationException($"{EventsKey} must list one or more of {NotificationEventNames.List}, got '{events}'.");
            }

            if (Events == NotificationEvents.None)
            {
                throw new InvalidConfigurationException($"{EventsKey} must list one or more of {NotificationEventNames.List}, got '{events}'.");
            }
        }
    }
}

/// <summary>The body a finished session is announced with (<c>NOTIFICATION_FORMAT</c>).</summary>
public enum NotificationFormat
{
    /// <summary>The Lark/Feishu bot text message of the original service.</summary>
    Lark,

    /// <summary>A versioned <c>session.finished</c> event object.</summary>
    Json,
}
