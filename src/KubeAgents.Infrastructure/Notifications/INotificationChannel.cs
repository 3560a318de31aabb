using KubeAgents.Domain.Notifications;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// A route's format: writes a notification's facts as one webhook request body (and any headers its
/// platform wants). Claiming, sending, retries and recording results belong to the dispatcher.
/// </summary>
/// <remarks>
/// A new channel is this interface implemented once and one line in <see cref="NotificationChannels"/>:
/// <c>services.AddNotificationChannel&lt;MyChannel&gt;("name")</c>. Routes name it by that key.
/// </remarks>
public interface INotificationChannel
{
    /// <summary>The request for one attempt. Called again on every retry; the delivery id stays the same.</summary>
    WebhookMessage Render(Notification notification, ChannelContext context);
}

/// <summary>What a channel may use besides the facts: the route's secret (null when none) and the clock, for signatures.</summary>
public sealed record ChannelContext(string? Secret, DateTimeOffset Now);

/// <summary>A JSON body and the headers that go with it (besides <c>Content-Type</c> and the delivery id).</summary>
public sealed record WebhookMessage(string Body, IReadOnlyDictionary<string, string> Headers)
{
    public static WebhookMessage Json(string body) => new(body, new Dictionary<string, string>());
}
