using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using KubeAgents.Api.Controllers;
using KubeAgents.Application.Agents.Queries.GetAgent;
using KubeAgents.Application.Agents.Queries.GetLatestStatus;
using KubeAgents.Application.Agents.Queries.ListAgents;
using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Paging;
using KubeAgents.Application.Reports.Commands.ReportStatus;
using KubeAgents.Application.Sessions.Queries.GetSession;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using Mediator;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace KubeAgents.Api.Mcp;

/// <summary>
/// The MCP tools. Each is a thin adapter, like a controller action: bind the arguments, send the same
/// Mediator request the REST API sends (so the same validators run), answer the REST JSON. Parameter
/// names are the wire's snake_case names; the attributes put the contract's limits in the input schemas.
/// </summary>
[McpServerToolType]
internal sealed class KubeAgentsTools(ISender sender, TimeProvider time, ToolResults results)
{
    private const string AgentIdText = "The agent's id: the same every time this agent reports (for example 'claude-code-<host>'), 1-100 characters.";
    private const string TopicText = "The task this session tracks, 1-500 characters, any text; use the same topic for every report about the same task.";
    private const string MessageText = "A short note for people watching, up to 1000 characters.";
    private const string ContentText = "Longer detail (a summary, a link, an error), up to 10000 characters.";
    private const string LimitText = "Page size, 1 to 1000 (default 100).";

    [McpServerTool(Name = "start_session", Title = "Start a session", Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Call this when you begin a task: it registers you and reports the session as running. "
        + "Then call report_status at milestones and end_session when the task is done or has failed. "
        + "A session expires after ttl_minutes without a report.")]
    [ToolScope(ToolScopeAttribute.Report)]
    public Task<CallToolResult> StartSession(
        [Description(AgentIdText), StringLength(Agent.MaxIdLength, MinimumLength = 1)] string agent_id,
        [Description(TopicText), StringLength(Session.MaxTopicLength, MinimumLength = 1)] string session_topic,
        [Description(MessageText), MaxLength(StatusEntry.MaxMessageLength)] string? message = null,
        [Description("Minutes without a report after which the session counts as expired: 1 to 1440; 0 or absent keeps the session's TTL (30 for a new one).")]
        [Range(0, Session.MaxTtlMinutes)] int? ttl_minutes = null,
        [Description("Your display name (for example 'Claude Code'), up to 200 characters.")][MaxLength(Agent.MaxNameLength)] string? agent_name = null,
        [Description("Where you run (for example 'cli', 'ide', 'ci'), up to 200 characters.")][MaxLength(Agent.MaxSourceLength)] string? agent_source = null,
        CancellationToken cancellationToken = default) =>
        ReportAsync(
            new ReportStatusCommand
            {
                AgentId = agent_id,
                SessionTopic = session_topic,
                Status = SessionStatus.Running,
                Message = message,
                TtlMinutes = ttl_minutes,
                AgentName = agent_name,
                AgentSource = agent_source,
            },
            cancellationToken);

    [McpServerTool(Name = "report_status", Title = "Report progress", Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Call this at milestones of a task you started with start_session: what you are doing now, or 'pending' while you wait "
        + "for input. Each report keeps the session alive. Use end_session, not this, to finish.")]
    [ToolScope(ToolScopeAttribute.Report)]
    public Task<CallToolResult> ReportStatus(
        [Description(AgentIdText), StringLength(Agent.MaxIdLength, MinimumLength = 1)] string agent_id,
        [Description(TopicText), StringLength(Session.MaxTopicLength, MinimumLength = 1)] string session_topic,
        [Description("running while you work, pending while you wait; success or failed finish the session (as end_session does).")]
        [AllowedValues("running", "pending", "success", "failed")] string status,
        [Description(MessageText), MaxLength(StatusEntry.MaxMessageLength)] string? message = null,
        [Description(ContentText), MaxLength(StatusEntry.MaxContentLength)] string? content = null,
        CancellationToken cancellationToken = default) =>
        ReportAsync(
            new ReportStatusCommand
            {
                AgentId = agent_id,
                SessionTopic = session_topic,
                Status = ParseStatus(status, SessionStatusExtensions.Wire.All),
                Message = message,
                Content = content,
            },
            cancellationToken);

    [McpServerTool(Name = "end_session", Title = "End a session", Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Call this once when a task you started with start_session is done (success) or cannot be completed (failed). "
        + "Say what happened in message, and put details (a summary, a link, the error) in content.")]
    [ToolScope(ToolScopeAttribute.Report)]
    public Task<CallToolResult> EndSession(
        [Description(AgentIdText), StringLength(Agent.MaxIdLength, MinimumLength = 1)] string agent_id,
        [Description(TopicText), StringLength(Session.MaxTopicLength, MinimumLength = 1)] string session_topic,
        [Description("success when the task is done, failed when it could not be.")][AllowedValues("success", "failed")] string status,
        [Description(MessageText), MaxLength(StatusEntry.MaxMessageLength)] string? message = null,
        [Description(ContentText), MaxLength(StatusEntry.MaxContentLength)] string? content = null,
        CancellationToken cancellationToken = default) =>
        ReportAsync(
            new ReportStatusCommand
            {
                AgentId = agent_id,
                SessionTopic = session_topic,
                Status = ParseStatus(status, ["success", "failed"]),
                Message = message,
                Content = content,
            },
            cancellationToken);

    [McpServerTool(Name = "list_agents", Title = "List agents", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Lists the agents that report here, most recently seen first, with their session counts and latest status. "
        + "Use it to see who is working on what. When next_cursor is present, pass it as cursor for the next page.")]
    [ToolScope(ToolScopeAttribute.Read)]
    public async Task<CallToolResult> ListAgents(
        [Description("Only agents whose latest status is this one.")][AllowedValues("running", "pending", "success", "failed", null)] string? status = null,
        [Description("Case-insensitive substring of the agent id or name.")] string? search = null,
        [Description(LimitText), Range(1, PageCursor.MaxLimit)] int? limit = null,
        [Description("The next_cursor of the previous page.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var filter = status is null ? (SessionStatus?)null : ParseStatus(status, SessionStatusExtensions.Wire.All);
        var page = await sender.Send(new ListAgentsQuery(filter, search, limit, cursor), cancellationToken).ConfigureAwait(false);
        var more = page.NextCursor is null ? string.Empty : " (more: pass next_cursor as cursor)";
        return results.Success(page, $"{page.Agents.Count} agent(s){more}");
    }

    [McpServerTool(Name = "get_agent", Title = "Get an agent", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("One agent: when it registered and was last seen, its session counts and its latest status.")]
    [ToolScope(ToolScopeAttribute.Read)]
    public async Task<CallToolResult> GetAgent(
        [Description("The agent's id."), StringLength(Agent.MaxIdLength, MinimumLength = 1)] string agent_id,
        CancellationToken cancellationToken = default)
    {
        var agent = await sender.Send(new GetAgentQuery(agent_id), cancellationToken).ConfigureAwait(false);
        var latest = agent.LatestStatus is { } status ? status.ToWireName() : "no status yet";
        return results.Success(agent, $"agent '{agent.AgentId}': {latest}, {agent.ActiveSessionCount} of {agent.SessionCount} session(s) active");
    }

    [McpServerTool(Name = "get_session", Title = "Get a session", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("One session of an agent and its status history, newest first: its current status, whether it expired, and every report.")]
    [ToolScope(ToolScopeAttribute.Read)]
    public async Task<CallToolResult> GetSession(
        [Description("The agent's id."), StringLength(Agent.MaxIdLength, MinimumLength = 1)] string agent_id,
        [Description("The session's topic, exactly as reported."), StringLength(Session.MaxTopicLength, MinimumLength = 1)] string session_topic,
        [Description("How many history entries to return, 1 to 1000 (default 100).")][Range(1, PageCursor.MaxLimit)] int? history_limit = null,
        CancellationToken cancellationToken = default)
    {
        var detail = await sender.Send(new GetSessionQuery(agent_id, session_topic, history_limit), cancellationToken).ConfigureAwait(false);
        var session = detail.Session;
        var current = session.CurrentStatus is { } status ? status.ToWireName() : "no status yet";
        var expired = session.Expired ? ", expired" : string.Empty;
        return results.Success(detail, $"session '{session.SessionTopic}' of agent '{session.AgentId}': {current}{expired}, {detail.StatusHistory.Count} history entr{(detail.StatusHistory.Count == 1 ? "y" : "ies")}");
    }

    [McpServerTool(Name = "get_agent_status", Title = "Get an agent's latest status", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The agent's latest status over all its sessions: which session, what status, when, and its message.")]
    [ToolScope(ToolScopeAttribute.Read)]
    public async Task<CallToolResult> GetAgentStatus(
        [Description("The agent's id."), StringLength(Agent.MaxIdLength, MinimumLength = 1)] string agent_id,
        CancellationToken cancellationToken = default)
    {
        var latest = await sender.Send(new GetLatestStatusQuery(agent_id), cancellationToken).ConfigureAwait(false);
        return results.Success(latest, $"agent '{latest.AgentId}': {latest.Status.ToWireName()} on '{latest.SessionTopic}'");
    }

    /// <summary>The report as <c>POST /webhook/status</c> takes it, stamped with the server's clock.</summary>
    private async Task<CallToolResult> ReportAsync(ReportStatusCommand command, CancellationToken cancellationToken)
    {
        await sender.Send(command with { Timestamp = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        return results.Success(ReportAccepted.Instance, $"session '{command.SessionTopic}' of agent '{command.AgentId}' is {command.Status!.Value.ToWireName()}");
    }

    /// <summary>A status by its wire name, refused in the REST API's words when it is not one of <paramref name="allowed"/>.</summary>
    private static SessionStatus ParseStatus(string name, IReadOnlyList<string> allowed) =>
        allowed.Contains(name) && SessionStatusExtensions.TryParseWireName(name, out var status)
            ? status
            : throw new RequestValidationException($"status must be one of: {string.Join(", ", allowed)}");
}
