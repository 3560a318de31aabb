using KubeAgents.Api.Authentication;
using KubeAgents.Api.Errors;
using KubeAgents.Application.Notifications.Queries.ListNotifications;
using KubeAgents.Domain.Notifications;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace KubeAgents.Api.Controllers;

/// <summary>The notification outbox, for operators: what was delivered, what waits, what gave up and why.</summary>
[ApiController]
[Route("api/notifications")]
[Authorize(Policy = ApiScopes.Admin)]
[Produces("application/json")]
public sealed class NotificationsController(ISender sender) : ControllerBase
{
    /// <summary>Notifications, newest first.</summary>
    /// <remarks>
    /// One row per route and event: session.finished when a session's current status moves from running
    /// to success or failed, session.silent when a running or pending session expires; each route
    /// (and NOTIFICATION_WEBHOOK_URL, the implicit route) gets those its filters accept. pending ones wait
    /// for their next attempt (exponential backoff), delivered ones were accepted by the route's
    /// receiver, failed ones gave up; last_error says why.
    /// </remarks>
    /// <param name="state">pending, delivered or failed.</param>
    /// <param name="limit">1 to 1000, default 100.</param>
    /// <param name="cancellationToken">Aborts the query.</param>
    [HttpGet]
    [ProducesResponseType<NotificationListDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)]
    public async Task<NotificationListDto> List([FromQuery] NotificationState? state, [FromQuery] int? limit, CancellationToken cancellationToken) =>
        await sender.Send(new ListNotificationsQuery(state, limit), cancellationToken);
}
