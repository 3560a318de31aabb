using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Notifications.Routes.Commands.TestRoute;

/// <summary>Sends the route a sample "session finished" message now, once, outside the outbox; answers with what its receiver said.</summary>
public sealed record TestRouteCommand(Guid Id) : ICommand<RouteTestResult>;

public sealed class TestRouteHandler(IApplicationDbContext db, INotificationRouteTester tester) : ICommandHandler<TestRouteCommand, RouteTestResult>
{
    public async ValueTask<RouteTestResult> Handle(TestRouteCommand command, CancellationToken cancellationToken)
    {
        var route = await db.NotificationRoutes.AsNoTracking().SingleOrDefaultAsync(r => r.Id == command.Id, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"notification route '{command.Id}' not found");
        return await tester.TestAsync(route, cancellationToken).ConfigureAwait(false);
    }
}
