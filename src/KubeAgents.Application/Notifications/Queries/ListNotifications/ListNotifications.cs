using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Common.Paging;
using KubeAgents.Domain.Notifications;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Notifications.Queries.ListNotifications;

/// <summary>Notifications, newest first, optionally in one state or of one session; at most <see cref="Limit"/>.</summary>
public sealed record ListNotificationsQuery(NotificationState? State, int? Limit, string? AgentId = null, string? SessionTopic = null)
    : IQuery<NotificationListDto>;

public sealed record NotificationListDto(IReadOnlyList<NotificationDto> Notifications);

public sealed class ListNotificationsHandler(IApplicationDbContext db) : IQueryHandler<ListNotificationsQuery, NotificationListDto>
{
    public async ValueTask<NotificationListDto> Handle(ListNotificationsQuery query, CancellationToken cancellationToken)
    {
        var notifications = db.Notifications.AsNoTracking();
        if (query.State is { } state)
        {
            notifications = notifications.Where(n => n.State == state);
        }

        if (query.AgentId is { } agentId && query.SessionTopic is { } topic)
        {
            notifications = notifications.Where(n => n.AgentId == agentId && n.SessionTopic == topic);
        }

        var page = await notifications
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Take(KeysetPage.Size(query.Limit))
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        // One more query for the page's route names, whatever its size.
        var routeIds = page.Where(n => n.RouteId is not null).Select(n => n.RouteId!.Value).Distinct().ToArray();
        var names = routeIds.Length == 0
            ? new Dictionary<Guid, string>()
            : await db.NotificationRoutes.AsNoTracking().Where(r => routeIds.Contains(r.Id))
                .ToDictionaryAsync(r => r.Id, r => r.Name, cancellationToken).ConfigureAwait(false);
        return new NotificationListDto([.. page.Select(n => NotificationDto.From(n, names))]);
    }
}
