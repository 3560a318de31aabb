using KubeAgents.Domain.Notifications;

namespace KubeAgents.Application.Notifications.Routes;

/// <summary>A route as shown: its URL masked (host and last 4 characters), its secret never.</summary>
/// <param name="Id">Names the route in PATCH, DELETE and test.</param>
/// <param name="Name">Unique; what notifications and the dashboard call it.</param>
/// <param name="Channel">slack, discord, teams, lark or json.</param>
/// <param name="Url">The destination's host and last 4 characters (hooks.slack.com…a1B2): a URL is a credential.</param>
/// <param name="HasSecret">Whether a secret signs its messages (lark, json).</param>
/// <param name="AgentFilter">Glob on agent_id (* and ?); absent for every agent.</param>
/// <param name="TopicFilter">Glob on session_topic (* and ?); absent for every topic.</param>
/// <param name="Events">finished (success or failed), failed, silent.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it was last changed.</param>
public sealed record NotificationRouteDto(
    Guid Id,
    string Name,
    string Channel,
    string Url,
    bool HasSecret,
    string? AgentFilter,
    string? TopicFilter,
    IReadOnlyList<string> Events,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static NotificationRouteDto From(NotificationRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return new(route.Id, route.Name, route.Channel, route.MaskedUrl, route.Secret is not null, route.AgentFilter, route.TopicFilter,
            NotificationEventNames.Names(route.Events), route.CreatedAt, route.UpdatedAt);
    }
}
