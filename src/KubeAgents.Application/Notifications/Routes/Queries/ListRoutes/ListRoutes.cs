using KubeAgents.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Notifications.Routes.Queries.ListRoutes;

/// <summary>Every route, by name.</summary>
public sealed record ListRoutesQuery : IQuery<NotificationRouteListDto>;

/// <param name="Routes">By name; URLs masked, secrets never shown.</param>
public sealed record NotificationRouteListDto(IReadOnlyList<NotificationRouteDto> Routes);

public sealed class ListRoutesHandler(IApplicationDbContext db) : IQueryHandler<ListRoutesQuery, NotificationRouteListDto>
{
    public async ValueTask<NotificationRouteListDto> Handle(ListRoutesQuery query, CancellationToken cancellationToken)
    {
        var routes = await db.NotificationRoutes.AsNoTracking().OrderBy(r => r.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new NotificationRouteListDto([.. routes.Select(NotificationRouteDto.From)]);
    }
}
