using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Notifications.Routes.Commands.DeleteRoute;

/// <summary>Deletes a route. Its delivered and failed notifications stay listed; its pending ones give up at their next attempt.</summary>
public sealed record DeleteRouteCommand(Guid Id) : ICommand<NotificationRouteDto>;

public sealed class DeleteRouteHandler(IApplicationDbContext db) : ICommandHandler<DeleteRouteCommand, NotificationRouteDto>
{
    public async ValueTask<NotificationRouteDto> Handle(DeleteRouteCommand command, CancellationToken cancellationToken)
    {
        var route = await db.NotificationRoutes.SingleOrDefaultAsync(r => r.Id == command.Id, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"notification route '{command.Id}' not found");
        db.NotificationRoutes.Remove(route);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return NotificationRouteDto.From(route);
    }
}
