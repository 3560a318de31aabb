using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.Notifications;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Notifications.Routes.Commands.CreateRoute;

/// <summary>A new route. It applies to every notification that becomes due after it is created.</summary>
/// <param name="Name">Unique, 1 to 100 characters.</param>
/// <param name="Channel">slack, discord, teams, lark or json.</param>
/// <param name="Url">The incoming-webhook URL. Never shown again whole.</param>
/// <param name="Secret">Signs messages: lark (its bot signature), json (HMAC headers); ignored by the others.</param>
/// <param name="AgentFilter">Glob on agent_id (* and ?); absent for every agent.</param>
/// <param name="TopicFilter">Glob on session_topic (* and ?); absent for every topic.</param>
/// <param name="Events">One or more of finished, failed, silent; absent means finished and silent.</param>
public sealed record CreateRouteCommand(
    string Name,
    string Channel,
    string Url,
    string? Secret,
    string? AgentFilter,
    string? TopicFilter,
    IReadOnlyList<string>? Events) : ICommand<NotificationRouteDto>;

public sealed class CreateRouteHandler(IApplicationDbContext db, TimeProvider time) : ICommandHandler<CreateRouteCommand, NotificationRouteDto>
{
    public async ValueTask<NotificationRouteDto> Handle(CreateRouteCommand command, CancellationToken cancellationToken)
    {
        if (await db.NotificationRoutes.AnyAsync(r => r.Name == command.Name, cancellationToken).ConfigureAwait(false))
        {
            throw new RequestValidationException($"name '{command.Name}' is already used by another route");
        }

        var route = NotificationRoute.Create(
            command.Name,
            command.Channel,
            command.Url,
            command.Secret,
            command.AgentFilter,
            command.TopicFilter,
            RouteRules.Parse(command.Events) ?? (NotificationEvents.Finished | NotificationEvents.Silent),
            time.GetUtcNow());
        db.NotificationRoutes.Add(route);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return NotificationRouteDto.From(route);
    }
}
