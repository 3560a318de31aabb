using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using KubeAgents.Application.Agents.Queries.GetAgent;
using KubeAgents.Application.Agents.Queries.GetAgentHistory;
using KubeAgents.Application.Agents.Queries.GetLatestStatus;
using KubeAgents.Application.Agents.Queries.ListAgents;
using KubeAgents.Application.Common.Paging;
using KubeAgents.Application.Sessions.Queries.GetSession;
using KubeAgents.Application.Sessions.Queries.ListSessions;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using Mediator;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace KubeAgents.Api.Mcp;

/// <summary>
/// The reading tools: one per <c>GET /api/agents…</c> endpoint, with its paging. Each sends the query its
/// controller action sends and answers the same JSON; the descriptions tell a model which to use when.
/// </summary>
[McpServerToolType]
internal sealed class ReadTools(ISender sender, ToolResults results)
{
    private const string AgentIdText = "The agent's id, as list_agents shows it.";
    private const string LimitText = "Page size, 1 to 1000 (default 100).";
    private const string CursorText = "The next_cursor of the previous page, to read the next one (with the same other arguments).";
    private const string More = " (more: pass next_cursor as cursor)";

    [McpServerTool(Name = "list_agents", Title = "List agents", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Lists the agents that report here, most recently seen first, with their session counts and latest status. "
        + "Use it to see who is working on what, or to find an agent_id. When next_cursor is present, pass it as cursor for the next page.")]
    [ToolScope(ToolScopeAttribute.Read)]
    [RestOperation("GET", "/api/agents")]
    public async Task<CallToolResult> ListAgents(
        [Description("Only agents whose latest status is this one.")][AllowedValues("running", "pending", "success", "failed", null)] string? status = null,
        [Description("Case-insensitive substring of the agent id or name.")] string? search = null,
        [Description(LimitText), Range(1, PageCursor.MaxLimit)] int? limit = null,
        [Description(CursorText)] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var filter = status is null ? (SessionStatus?)null : ReportTools.ParseStatus(status, SessionStatusExtensions.Wire.All);
        var page = await sender.Send(new ListAgentsQuery(filter, search, limit, cursor), cancellationToken).ConfigureAwait(false);
        return results.Success(page, $"{page.Agents.Count} agent(s){(page.NextCursor is null ? string.Empty : More)}");
    }

    [McpServerTool(Name = "get_agent", Title = "Get an agent", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("One agent's summary: when it registered and was last seen, its session counts and its latest status. "
        + "For its sessions use list_sessions; for what it reported over time, get_history.")]
    [ToolScope(ToolScopeAttribute.Read)]
    [RestOperation("GET", "/api/agents/{agent_id}")]
    public async Task<CallToolResult> GetAgent(
        [Description(AgentIdText), StringLength(Agent.MaxIdLength, MinimumLength = 1)] string agent_id,
        CancellationToken cancellationToken = default)
    {
        var agent = await sender.Send(new GetAgentQuery(agent_id), cancellationToken).ConfigureAwait(false);
        var latest = agent.LatestStatus is { } status ? status.ToWireName() : "no status yet";
        return results.Success(agent, $"agent '{agent.AgentId}': {latest}, {agent.ActiveSessionCount} of {agent.SessionCount} session(s) active");
    }

    [McpServerTool(Name = "list_sessions", Title = "List an agent's sessions", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("An agent's sessions (one per task), most recently updated first, each with its current status and whether it expired. "
        + "Use it to find a session_topic, then get_session for that session's history. When next_cursor is present, pass it as cursor for the next page.")]
    [ToolScope(ToolScopeAttribute.Read)]
    [RestOperation("GET", "/api/agents/{agent_id}/sessions")]
    public async Task<CallToolResult> ListSessions(
        [Description(AgentIdText), StringLength(Agent.MaxIdLength, MinimumLength = 1)] string agent_id,
        [Description("false leaves out expired sessions; true or absent lists every session.")] bool? expired = null,
        [Description(LimitText), Range(1, PageCursor.MaxLimit)] int? limit = null,
        [Description(CursorText)] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var page = await sender.Send(new ListSessionsQuery(agent_id, IncludeExpired: expired != false, limit, cursor), cancellationToken).ConfigureAwait(false);
        return results.Success(page, $"{page.Sessions.Count} session(s) of agent '{agent_id}'{(page.NextCursor is null ? string.Empty : More)}");
    }

    [McpServerTool(Name = "get_session", Title = "Get a session", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("One session of an agent and a page of its status history, newest first: its current status, whether it expired, and its reports. "
        + "When next_history_cursor is present, call again with it as history_cursor for older entries. For history across all of an agent's sessions use get_history.")]
    [ToolScope(ToolScopeAttribute.Read)]
    [RestOperation("GET", "/api/agents/{agent_id}/sessions/{session_topic}")]
    public async Task<CallToolResult> GetSession(
        [Description(AgentIdText), StringLength(Agent.MaxIdLength, MinimumLength = 1)] string agent_id,
        [Description("The session's topic, exactly as reported."), StringLength(Session.MaxTopicLength, MinimumLength = 1)] string session_topic,
        [Description("How many history entries to return, 1 to 1000 (default 100).")][Range(1, PageCursor.MaxLimit)] int? history_limit = null,
        [Description("The next_history_cursor of the previous answer, to read older history.")] string? history_cursor = null,
        CancellationToken cancellationToken = default)
    {
        var detail = await sender.Send(new GetSessionQuery(agent_id, session_topic, history_limit, history_cursor), cancellationToken).ConfigureAwait(false);
        var session = detail.Session;
        var current = session.CurrentStatus is { } status ? status.ToWireName() : "no status yet";
        var expired = session.Expired ? ", expired" : string.Empty;
        var entries = detail.StatusHistory.Count == 1 ? "entry" : "entries";
        var more = detail.NextHistoryCursor is null ? string.Empty : " (more: pass next_history_cursor as history_cursor)";
        return results.Success(detail, $"session '{session.SessionTopic}' of agent '{session.AgentId}': {current}{expired}, {detail.StatusHistory.Count} history {entries}{more}");
    }

    [McpServerTool(Name = "get_history", Title = "Get an agent's history", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("An agent's status history across all its sessions, newest first, a page at a time: what it reported, on which session, when. "
        + "Use it for what an agent has been doing; for one task's history use get_session. When next_cursor is present, pass it as cursor for the next page.")]
    [ToolScope(ToolScopeAttribute.Read)]
    [RestOperation("GET", "/api/agents/{agent_id}/history")]
    public async Task<CallToolResult> GetHistory(
        [Description(AgentIdText), StringLength(Agent.MaxIdLength, MinimumLength = 1)] string agent_id,
        [Description("Only entries with this status.")][AllowedValues("running", "pending", "success", "failed", null)] string? status = null,
        [Description(LimitText), Range(1, PageCursor.MaxLimit)] int? limit = null,
        [Description(CursorText)] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var filter = status is null ? (SessionStatus?)null : ReportTools.ParseStatus(status, SessionStatusExtensions.Wire.All);
        var page = await sender.Send(new GetAgentHistoryQuery(agent_id, filter, limit, cursor), cancellationToken).ConfigureAwait(false);
        return results.Success(page, $"{page.StatusHistory.Count} history entr{(page.StatusHistory.Count == 1 ? "y" : "ies")} of agent '{agent_id}'{(page.NextCursor is null ? string.Empty : More)}");
    }

    [McpServerTool(Name = "get_agent_status", Title = "Get an agent's latest status", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Only the agent's latest status over all its sessions: which session, what status, when, and its message. "
        + "The quickest answer to 'what is this agent doing now?'.")]
    [ToolScope(ToolScopeAttribute.Read)]
    [RestOperation("GET", "/api/agents/{agent_id}/status")]
    public async Task<CallToolResult> GetAgentStatus(
        [Description(AgentIdText), StringLength(Agent.MaxIdLength, MinimumLength = 1)] string agent_id,
        CancellationToken cancellationToken = default)
    {
        var latest = await sender.Send(new GetLatestStatusQuery(agent_id), cancellationToken).ConfigureAwait(false);
        return results.Success(latest, $"agent '{latest.AgentId}': {latest.Status.ToWireName()} on '{latest.SessionTopic}'");
    }
}
