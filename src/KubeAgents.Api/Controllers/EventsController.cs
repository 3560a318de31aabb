using KubeAgents.Api.Authentication;
using Microsoft.AspNetCore.Authorization;
using KubeAgents.Api.Errors;
using KubeAgents.Api.Events;
using KubeAgents.Application.Events.Queries.SubscribeToEvents;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace KubeAgents.Api.Controllers;

/// <summary>Live status events as Server-Sent Events.</summary>
[ApiController]
[Route("api/events")]
[Authorize(Policy = ApiScopes.Read)]
public sealed class EventsController(ISender sender, IOptions<JsonOptions> json, TimeProvider time, IHostApplicationLifetime lifetime, StreamKeyWatch keyWatch) : ControllerBase
{
    /// <summary>The event stream: every committed report, session expiry and agent registration, as Server-Sent Events.</summary>
    /// <remarks>
    /// Each message has an id (its position in the event log, increasing in commit order), an event
    /// name (status, session_expired or agent_registered) and one data line of JSON in the API's wire
    /// format (StatusEvent, SessionExpiredEvent, AgentRegisteredEvent). A client that reconnects with
    /// the Last-Event-ID header receives every event it missed, with no gap and no duplicate, for at
    /// least the last 10 minutes or 10,000 events. An id the log cannot have issued (ahead of its newest
    /// event, or from before a restart of the temporary in-memory store) is answered with a reset message
    /// first (event reset, data ResetEvent): the client reloads what it shows, and resumes from the
    /// reset's id; every event after it follows. Ids are opaque: resume with the last one received. A
    /// comment line (": keep-alive") comes every 15 s. A client that falls more than a buffer of events
    /// behind is disconnected and resumes with Last-Event-ID. The stream ends when the key that opened it
    /// is revoked: at once on the replica that revoked it, within API_KEY_CACHE_SECONDS on the others.
    /// </remarks>
    /// <param name="agentId">Only this agent's events.</param>
    /// <param name="sessionTopic">Only events of sessions with this topic (agent_registered has none).</param>
    /// <param name="lastEventId">Resume after this event id (a browser's EventSource sends it when it reconnects).</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    [HttpGet]
    [Produces(ServerSentEvents.ContentType, "application/json")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, ServerSentEvents.ContentType)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status400BadRequest, "application/json")]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status503ServiceUnavailable, "application/json")]
    public async Task Stream(
        [FromQuery(Name = "agent_id")] string? agentId,
        [FromQuery(Name = "session_topic")] string? sessionTopic,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventId,
        CancellationToken cancellationToken)
    {
        await using var subscription = await sender.Send(new SubscribeToEventsQuery(agentId, sessionTopic, lastEventId), cancellationToken);
        // Watched from before the first byte goes out: a revocation from then on ends the stream.
        using var lease = keyWatch.Start(User, lifetime.ApplicationStopping);
        await ServerSentEvents.WriteAsync(HttpContext, subscription, json.Value.JsonSerializerOptions, time, lease.Ended);
    }
}
