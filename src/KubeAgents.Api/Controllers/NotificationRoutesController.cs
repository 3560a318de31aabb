using KubeAgents.Api.Authentication;
using KubeAgents.Api.Errors;
using KubeAgents.Application.Notifications;
using KubeAgents.Application.Notifications.Routes;
using KubeAgents.Application.Notifications.Routes.Commands.CreateRoute;
using KubeAgents.Application.Notifications.Routes.Commands.DeleteRoute;
using KubeAgents.Application.Notifications.Routes.Commands.TestRoute;
using KubeAgents.Application.Notifications.Routes.Commands.UpdateRoute;
using KubeAgents.Application.Notifications.Routes.Queries.ListRoutes;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace KubeAgents.Api.Controllers;

/// <summary>Notification routes, for operators (the admin scope). The same as the service's <c>routes</c> command.</summary>
[ApiController]
[Route("api/notification-routes")]
[Authorize(Policy = ApiScopes.Admin)]
[Produces("application/json")]
[ProducesResponseType<ErrorResponse>(StatusCodes.Status400BadRequest)]
[ProducesResponseType<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)]
public sealed class NotificationRoutesController(ISender sender) : ControllerBase
{
    /// <summary>Creates a route: where notifications go (slack, discord, teams, lark or json) and which ones.</summary>
    /// <remarks>
    /// Every notification that becomes due afterwards and passes its filters gets its own outbox row for this
    /// route. The URL is a credential: answers show only its host and last 4 characters, and it is never logged.
    /// </remarks>
    /// <param name="command">The route.</param>
    /// <param name="cancellationToken">Aborts the request.</param>
    [HttpPost]
    [ProducesResponseType<NotificationRouteDto>(StatusCodes.Status201Created)]
    public async Task<IActionResult> Create([FromBody] CreateRouteCommand command, CancellationToken cancellationToken)
    {
        var created = await sender.Send(command, cancellationToken);
        return StatusCode(StatusCodes.Status201Created, created);
    }

    /// <summary>Every route, by name; URLs masked, secrets never shown.</summary>
    /// <param name="cancellationToken">Aborts the query.</param>
    [HttpGet]
    [ProducesResponseType<NotificationRouteListDto>(StatusCodes.Status200OK)]
    public async Task<NotificationRouteListDto> List(CancellationToken cancellationToken) =>
        await sender.Send(new ListRoutesQuery(), cancellationToken);

    /// <summary>Changes a route's fields given in the body; an empty secret, agent_filter or topic_filter removes it.</summary>
    /// <param name="id">The route's id.</param>
    /// <param name="command">The fields to change.</param>
    /// <param name="cancellationToken">Aborts the request.</param>
    [HttpPatch("{id}")]
    [ProducesResponseType<NotificationRouteDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status404NotFound)]
    public async Task<NotificationRouteDto> Update(Guid id, [FromBody] UpdateRouteCommand command, CancellationToken cancellationToken) =>
        await sender.Send(command with { Id = id }, cancellationToken);

    /// <summary>Deletes a route; its pending notifications give up, its history stays listed.</summary>
    /// <param name="id">The route's id.</param>
    /// <param name="cancellationToken">Aborts the request.</param>
    [HttpDelete("{id}")]
    [ProducesResponseType<NotificationRouteDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status404NotFound)]
    public async Task<NotificationRouteDto> Delete(Guid id, CancellationToken cancellationToken) =>
        await sender.Send(new DeleteRouteCommand(id), cancellationToken);

    /// <summary>Sends the route a sample message now and answers with its receiver's status.</summary>
    /// <remarks>200 whatever the receiver said: delivered tells whether it answered 2xx, status_code what it answered.</remarks>
    /// <param name="id">The route's id.</param>
    /// <param name="cancellationToken">Aborts the request.</param>
    [HttpPost("{id}/test")]
    [ProducesResponseType<RouteTestResult>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status404NotFound)]
    public async Task<RouteTestResult> Test(Guid id, CancellationToken cancellationToken) =>
        await sender.Send(new TestRouteCommand(id), cancellationToken);
}
