using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using System.Text.Json.Serialization;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Notifications.Routes.Commands.UpdateRoute;

/// <summary>Changes the fields given; an empty secret, agent_filter or topic_filter removes it. The channel is fixed: create another route to change it.</summary>
/// <param name="Name">A new unique name.</param>
/// <param name="Url">A new destination URL.</param>
/// <param name="Secret">A new secret; empty removes it.</param>
/// <param name="AgentFilter">A new glob on agent_id; empty removes it.</param>
/// <param name="TopicFilter">A new glob on session_topic; empty removes it.</param>
/// <param name="Events">A new set of events.</param>
public sealed record UpdateRouteCommand(
    string? Name,
    string? Url,
    string? Secret,
    string? AgentFilter,
    string? TopicFilter,
    IReadOnlyList<string>? Events) : ICommand<NotificationRouteDto>
{
    /// <summary>The route: from the path, never the body.</summary>
    [JsonIgnore]
    public Guid Id { get; init; }
}

public sealed class UpdateRouteHandler(IApplicationDbContext db, TimeProvider time) : ICommandHandler<UpdateRouteCommand, NotificationRouteDto>
{
    public async ValueTask<NotificationRouteDto> Handle(UpdateRouteCommand command, CancellationToken cancellationToken)
    {
        var route = await db.NotificationRoutes.SingleOrDefaultAsync(r => r.Id == command.Id, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"notification route '{command.Id}' not found");
        if (command.Name is { } name && name != route.Name
            && await db.NotificationRoutes.AnyAsync(r => r.Name == name, cancellationToken).ConfigureAwait(false))
        {
            throw new RequestValidationException($"name '{name}' is already used by another route");
        }

        route.Change(command.Name, command.Url, command.Secret, command.AgentFilter, command.TopicFilter, RouteRules.Parse(command.Events), time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return NotificationRouteDto.From(route);
    }
}
