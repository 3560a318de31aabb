using KubeAgents.Api.Errors;
using KubeAgents.Api.Routing;
using KubeAgents.Application.Agents.Queries;
using KubeAgents.Application.Agents.Queries.GetAgent;
using KubeAgents.Application.Agents.Queries.GetAgentHistory;
using KubeAgents.Application.Agents.Queries.GetLatestStatus;
using KubeAgents.Application.Agents.Queries.ListAgents;
using KubeAgents.Application.Sessions.Queries;
using KubeAgents.Application.Sessions.Queries.GetSession;
using KubeAgents.Application.Sessions.Queries.ListSessions;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace KubeAgents.Api.Controllers;

/// <summary>Reads of agents, their sessions and status history. Ids and topics are single path segments, percent-encoded.</summary>
[ApiController]
[Route("api/agents")]
[Produces("application/json")]
[ProducesResponseType<ErrorResponse>(StatusCodes.Status400BadRequest)]
[ProducesResponseType<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)]
public sealed class AgentsController(ISender sender) : ControllerBase
{
    /// <summary>Agents, most recently seen first, a page at a time.</summary>
    /// <param name="status">Only agents whose latest status is this one.</param>
    /// <param name="search">Case-insensitive substring of the agent id or name.</param>
    /// <param name="limit">Page size, 1 to 1000 (default 100).</param>
    /// <param name="cursor">The next_cursor of the previous page.</param>
    /// <param name="cancellationToken">Aborts the query.</param>
    [HttpGet]
    [ProducesResponseType<AgentListDto>(StatusCodes.Status200OK)]
    public async Task<AgentListDto> List(
        [FromQuery] string? status,
        [FromQuery] string? search,
        [FromQuery] int? limit,
        [FromQuery] string? cursor,
        CancellationToken cancellationToken) =>
        await sender.Send(new ListAgentsQuery(status, search, limit, cursor), cancellationToken);

    [HttpGet("{agent_id}")]
    [ProducesResponseType<AgentDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status404NotFound)]
    public async Task<AgentDto> Get([FromPathSegment("agent_id")] string agentId, CancellationToken cancellationToken) =>
        await sender.Send(new GetAgentQuery(agentId), cancellationToken);

    /// <summary>The agent's sessions, most recently updated first, a page at a time.</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="expired"><c>false</c> leaves out expired sessions; <c>true</c> keeps only them.</param>
    /// <param name="limit">Page size, 1 to 1000 (default 100).</param>
    /// <param name="cursor">The next_cursor of the previous page.</param>
    /// <param name="cancellationToken">Aborts the query.</param>
    [HttpGet("{agent_id}/sessions")]
    [ProducesResponseType<SessionListDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status404NotFound)]
    public async Task<SessionListDto> ListSessions(
        [FromPathSegment("agent_id")] string agentId,
        [FromQuery] bool? expired,
        [FromQuery] int? limit,
        [FromQuery] string? cursor,
        CancellationToken cancellationToken) =>
        await sender.Send(new ListSessionsQuery(agentId, expired, limit, cursor), cancellationToken);

    /// <summary>One session and a page of its status history, newest first.</summary>
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
        [FromQuery] string? status,
        [FromQuery] int? limit,
        [FromQuery] string? cursor,
        CancellationToken cancellationToken) =>
        await sender.Send(new GetAgentHistoryQuery(agentId, status, limit, cursor), cancellationToken);

    /// <summary>The agent's latest status over all its sessions.</summary>
    [HttpGet("{agent_id}/status")]
    [ProducesResponseType<StatusDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status404NotFound)]
    public async Task<StatusDto> GetLatestStatus([FromPathSegment("agent_id")] string agentId, CancellationToken cancellationToken) =>
        await sender.Send(new GetLatestStatusQuery(agentId), cancellationToken);
}
