using KubeAgents.Api.Authentication;
using KubeAgents.Api.Errors;
using KubeAgents.Api.Routing;
using KubeAgents.Application.Agents.Queries;
using KubeAgents.Application.Agents.Queries.GetAgent;
using KubeAgents.Application.Agents.Queries.GetAgentHistory;
using KubeAgents.Application.Agents.Queries.GetLatestStatus;
using KubeAgents.Application.Agents.Queries.ListAgents;
using KubeAgents.Application.History;
using KubeAgents.Application.Sessions.Queries;
using KubeAgents.Application.Sessions.Queries.GetSession;
using KubeAgents.Application.Sessions.Queries.ListSessions;
using KubeAgents.Domain.Sessions;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace KubeAgents.Api.Controllers;

/// <summary>Reads of agents, their sessions and status history. Ids and topics are single path segments, percent-encoded.</summary>
[ApiController]
[Route("api/agents")]
[Authorize(Policy = ApiScopes.Read)]
[Produces("application/json")]
[ProducesResponseType<ErrorResponse>(StatusCodes.Status400BadRequest)]
[ProducesResponseType<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)]
public sealed class AgentsController(ISender sender) : ControllerBase
{
    /// <summary>Agents, most recently seen first, a page at a time.</summary>
    /// <remarks>
    /// Each agent carries its session counts and its latest status (the greatest timestamp over all its
    /// sessions). While more agents follow, the page has a next_cursor: pass it as cursor, with the same
    /// filters, for the next page. A cursor is opaque; one this endpoint did not return is a 400.
    /// </remarks>
    /// <param name="status">Only agents whose latest status is this one.</param>
    /// <param name="search">Case-insensitive substring of the agent id or name.</param>
    /// <param name="limit">Page size, 1 to 1000 (default 100).</param>
    /// <param name="cursor">The next_cursor of the previous page.</param>
    /// <param name="cancellationToken">Aborts the query.</param>
    [HttpGet]
    [ProducesResponseType<AgentListDto>(StatusCodes.Status200OK)]
    public async Task<AgentListDto> List(
        [FromQuery] SessionStatus? status,
        [FromQuery] string? search,
        [FromQuery] int? limit,
        [FromQuery] string? cursor,
        CancellationToken cancellationToken) =>
        await sender.Send(new ListAgentsQuery(status, search, limit, cursor), cancellationToken);

    /// <summary>One agent.</summary>
    /// <remarks>404 when no report ever named this agent id. The id is one percent-encoded path segment.</remarks>
    /// <param name="agentId">The agent.</param>
    /// <param name="cancellationToken">Aborts the query.</param>
    [HttpGet("{agent_id}")]
    [ProducesResponseType<AgentDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status404NotFound)]
    public async Task<AgentDto> Get([FromPathSegment("agent_id")] string agentId, CancellationToken cancellationToken) =>
        await sender.Send(new GetAgentQuery(agentId), cancellationToken);

    /// <summary>The agent's sessions, most recently updated first, a page at a time.</summary>
    /// <remarks>
    /// expired is exact at the time of the read, whether or not the sweeper has run. As in the original
    /// service, only expired=false leaves expired sessions out; any other value, or none, lists every session. 404 when the agent is unknown; an agent without sessions has an
    /// empty list. Page with next_cursor as for the agents.
    /// </remarks>
    /// <param name="agentId">The agent.</param>
    /// <param name="expired"><c>false</c> leaves out expired sessions; any other value, or none, includes them.</param>
    /// <param name="limit">Page size, 1 to 1000 (default 100).</param>
    /// <param name="cursor">The next_cursor of the previous page.</param>
    /// <param name="cancellationToken">Aborts the query.</param>
    [HttpGet("{agent_id}/sessions")]
    [ProducesResponseType<SessionListDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status404NotFound)]
    public async Task<SessionListDto> ListSessions(
        [FromPathSegment("agent_id")] string agentId,
        [FromQuery] string? expired,
        [FromQuery] int? limit,
        [FromQuery] string? cursor,
        CancellationToken cancellationToken) =>
        await sender.Send(new ListSessionsQuery(agentId, IncludeExpired: expired != "false", limit, cursor), cancellationToken);

    /// <summary>One session and a page of its status history, newest first.</summary>
    /// <remarks>
    /// The topic is what was reported, percent-encoded as one path segment: "/" is %2F, a space %20,
    /// Unicode as UTF-8 escapes. History is ordered by the reported timestamp, newest first (ties: the later
    /// arrival); next_history_cursor pages through older entries. 404 when the agent or the session is unknown.
    /// </remarks>
    /// <param name="agentId">The agent.</param>
    /// <param name="sessionTopic">The session's topic, percent-encoded as one path segment.</param>
    /// <param name="historyLimit">History page size, 1 to 1000 (default 100).</param>
    /// <param name="historyCursor">The next_history_cursor of the previous page.</param>
    /// <param name="cancellationToken">Aborts the query.</param>
    [HttpGet("{agent_id}/sessions/{session_topic}")]
    [ProducesResponseType<SessionDetailDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status404NotFound)]
    public async Task<SessionDetailDto> GetSession(
        [FromPathSegment("agent_id")] string agentId,
        [FromPathSegment("session_topic")] string sessionTopic,
        [FromQuery(Name = "history_limit")] int? historyLimit,
        [FromQuery(Name = "history_cursor")] string? historyCursor,
        CancellationToken cancellationToken) =>
        await sender.Send(new GetSessionQuery(agentId, sessionTopic, historyLimit, historyCursor), cancellationToken);

    /// <summary>The agent's status history across all its sessions, newest first, a page at a time.</summary>
    /// <remarks>Ordered by the reported timestamp (ties: the later arrival); next_cursor pages on. 404 when the agent is unknown.</remarks>
    /// <param name="agentId">The agent.</param>
    /// <param name="status">Only entries with this status.</param>
    /// <param name="limit">Page size, 1 to 1000 (default 100).</param>
    /// <param name="cursor">The next_cursor of the previous page.</param>
    /// <param name="cancellationToken">Aborts the query.</param>
    [HttpGet("{agent_id}/history")]
    [ProducesResponseType<AgentHistoryDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status404NotFound)]
    public async Task<AgentHistoryDto> GetHistory(
        [FromPathSegment("agent_id")] string agentId,
        [FromQuery] SessionStatus? status,
        [FromQuery] int? limit,
        [FromQuery] string? cursor,
        CancellationToken cancellationToken) =>
        await sender.Send(new GetAgentHistoryQuery(agentId, status, limit, cursor), cancellationToken);

    /// <summary>The agent's latest status over all its sessions.</summary>
    /// <remarks>The entry with the greatest reported timestamp. 404 when the agent is unknown or has no status yet.</remarks>
    /// <param name="agentId">The agent.</param>
    /// <param name="cancellationToken">Aborts the query.</param>
    [HttpGet("{agent_id}/status")]
    [ProducesResponseType<StatusDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status404NotFound)]
    public async Task<StatusDto> GetLatestStatus([FromPathSegment("agent_id")] string agentId, CancellationToken cancellationToken) =>
        await sender.Send(new GetLatestStatusQuery(agentId), cancellationToken);
}
