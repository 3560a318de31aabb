using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Notifications.Queries;

/// <summary>A notification's delivery state on its route, for operators.</summary>
/// <param name="Id">Also the <c>X-KubeAgents-Delivery</c> header of every attempt.</param>
/// <param name="Event">session.finished or session.silent.</param>
/// <param name="RouteId">The route it goes to; absent for the implicit route (NOTIFICATION_WEBHOOK_URL).</param>
/// <param name="Route">The route's name; NOTIFICATION_WEBHOOK_URL for the implicit route; absent once the route is deleted.</param>
/// <param name="Status">The finished session's status; for session.silent, its last status (running or pending).</param>
/// <param name="NextAttemptAt">When the next attempt is due (pending only).</param>
public sealed record NotificationDto(
    Guid Id,
    string Event,
    Guid? RouteId,
    string? Route,
    string AgentId,
    string SessionTopic,
    SessionStatus Status,
    NotificationState State,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? DeliveredAt,
    string? LastError)
{
    /// <summary>The name the implicit route goes by.</summary>
    public const string ImplicitRoute = "NOTIFICATION_WEBHOOK_URL";

    /// <param name="routeNames">Names of the routes that still exist, by id.</param>
    public static NotificationDto From(Notification n, IReadOnlyDictionary<Guid, string> routeNames)
    {
        ArgumentNullException.ThrowIfNull(n);
        ArgumentNullException.ThrowIfNull(routeNames);
        var route = n.RouteId is { } id ? routeNames.GetValueOrDefault(id) : ImplicitRoute;
        return new(n.Id, n.Kind.ToWireName(), n.RouteId, route, n.AgentId, n.SessionTopic, n.Status, n.State, n.Attempts, n.CreatedAt,
            n.State == NotificationState.Pending ? n.NextAttemptAt : null, n.LastAttemptAt, n.DeliveredAt, n.LastError);
    }
}
