using KubeAgents.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>Where and how finished sessions are announced. Disabled without <c>NOTIFICATION_WEBHOOK_URL</c>.</summary>
public sealed record NotificationSettings(Uri? WebhookUrl, TimeSpan Timeout, int MaxAttempts, string? Secret)
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
            configuration["NOTIFICATION_WEBHOOK_SECRET"] is { Length: > 0 } secret ? secret : null);
    }
}
