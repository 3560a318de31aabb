using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Common.Mappings;
using KubeAgents.Application.Common.Paging;
using KubeAgents.Domain.Notifications;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Notifications.Queries.ListNotifications;

/// <summary>Notifications, newest first, optionally in one state; at most <see cref="Limit"/>.</summary>
public sealed record ListNotificationsQuery(NotificationState? State, int? Limit) : IQuery<NotificationListDto>;

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

        var page = await notifications
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Take(KeysetPage.Size(query.Limit))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return new NotificationListDto([.. page.Select(n => n.ToDto())]);
    }
}
