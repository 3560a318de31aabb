using KubeAgents.Domain.Sessions;

namespace KubeAgents.Domain.Notifications;

/// <summary>
/// Where notifications go and which ones: a channel (the format, e.g. <c>slack</c>), a destination URL,
/// an optional secret and filters. Each matching event gets its own outbox row per route.
/// </summary>
/// <remarks>The URL is a credential (Slack, Discord and Teams put the token in it): only <see cref="MaskedUrl"/> leaves the service.</remarks>
public sealed class NotificationRoute
{
    public const int MaxNameLength = 100;
    public const int MaxChannelLength = 32;
    public const int MaxUrlLength = 2000;
    public const int MaxSecretLength = 500;
    public const int MaxFilterLength = 500;

    // For EF Core.
    private NotificationRoute()
    {
        Name = null!;
        Channel = null!;
        Url = null!;
    }

    private NotificationRoute(Guid id, string name, string channel, string url, DateTimeOffset now)
    {
        Id = id;
        Name = name;
        Channel = channel;
        Url = url;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; }

    /// <summary>The key of the channel that renders and signs the message (<c>slack</c>, <c>discord</c>, ...).</summary>
    public string Channel { get; private set; }

    public string Url { get; private set; }

    public string? Secret { get; private set; }

    /// <summary>A <see cref="Glob"/> on the agent id; null for every agent.</summary>
    public string? AgentFilter { get; private set; }

    /// <summary>A <see cref="Glob"/> on the session topic; null for every topic.</summary>
    public string? TopicFilter { get; private set; }

    public NotificationEvents Events { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>The URL's host and its last 4 characters: enough to tell routes apart, not to use one.</summary>
    public string MaskedUrl => Mask(Url);

    public static NotificationRoute Create(
        string name, string channel, string url, string? secret, string? agentFilter, string? topicFilter, NotificationEvents events, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentException.ThrowIfNullOrEmpty(url);
        var route = new NotificationRoute(Guid.CreateVersion7(now), name, channel, url, now);
        route.Change(null, null, secret, agentFilter, topicFilter, events, now);
        return route;
    }

    /// <summary>Changes what is given (non-null); an empty string clears the secret or a filter.</summary>
    public void Change(string? name, string? url, string? secret, string? agentFilter, string? topicFilter, NotificationEvents? events, DateTimeOffset now)
    {
        Name = string.IsNullOrEmpty(name) ? Name : name;
        Url = string.IsNullOrEmpty(url) ? Url : url;
        Secret = secret is null ? Secret : Blank(secret);
        AgentFilter = agentFilter is null ? AgentFilter : Blank(agentFilter);
        TopicFilter = topicFilter is null ? TopicFilter : Blank(topicFilter);
        Events = events is { } e and not NotificationEvents.None ? e : Events;
        UpdatedAt = now;
    }

    /// <summary>Whether this route wants a notification of <paramref name="kind"/> about this session.</summary>
    public bool Accepts(NotificationKind kind, string agentId, string topic, SessionStatus status) =>
        Events.Wants(kind, status) && Glob.IsMatch(AgentFilter, agentId) && Glob.IsMatch(TopicFilter, topic);

    /// <summary><c>hooks.slack.com…WXYZ</c>; text that is not an absolute URL shows only its last 4 characters.</summary>
    public static string Mask(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        // A short URL would be half shown by its last 4 characters.
        var tail = url.Length > 16 ? url[^4..] : string.Empty;
        var host = Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? parsed.Host : string.Empty;
        return $"{host}…{tail}";
    }

    private static string? Blank(string text) => text.Length == 0 ? null : text;
}
