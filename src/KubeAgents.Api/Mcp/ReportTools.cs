using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using KubeAgents.Api.Controllers;
using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Reports.Commands.ReportStatus;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using Mediator;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace KubeAgents.Api.Mcp;

/// <summary>
/// The tools that report, as <c>POST /webhook/status</c> does. Each is a thin adapter, like a controller
/// action: bind the arguments, send the same Mediator request the REST API sends (so the same validators
/// run), answer the REST JSON. Parameter names are the wire's snake_case names; the attributes put the
/// contract's limits in the input schemas. The reading tools are <see cref="ReadTools"/>.
/// </summary>
[McpServerToolType]
internal sealed class ReportTools(ISender sender, TimeProvider time, ToolResults results)
{
    internal const string AgentIdText = "The agent's id: the same every time this agent reports (for example 'claude-code-<host>'), 1-100 characters.";
    internal const string Webhook = "/webhook/status";

    private const string TopicText = "The task this session tracks, 1-500 characters, any text; use the same topic for every report about the same task.";
    private const string MessageText = "A short note for people watching, up to 1000 characters.";
    private const string ContentText = "Longer detail (a summary, a link, an error), up to 10000 characters.";

    [McpServerTool(Name = "start_session", Title = "Start a session", Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Call this when you begin a task: it registers you and reports the session as running. "
        + "Then call report_status at milestones and end_session when the task is done or has failed. "
        + "A session expires after ttl_minutes without a report.")]
    [ToolScope(ToolScopeAttribute.Report)]
    [RestOperation("POST", Webhook)]
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
    [RestOperation("POST", Webhook)]
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
    [RestOperation("POST", Webhook)]
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

    /// <summary>The report as <c>POST /webhook/status</c> takes it, stamped with the server's clock.</summary>
    private async Task<CallToolResult> ReportAsync(ReportStatusCommand command, CancellationToken cancellationToken)
    {
        await sender.Send(command with { Timestamp = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        return results.Success(ReportAccepted.Instance, $"session '{command.SessionTopic}' of agent '{command.AgentId}' is {command.Status!.Value.ToWireName()}");
    }

    /// <summary>A status by its wire name, refused in the REST API's words when it is not one of <paramref name="allowed"/>.</summary>
    internal static SessionStatus ParseStatus(string name, IReadOnlyList<string> allowed) =>
        allowed.Contains(name) && SessionStatusExtensions.TryParseWireName(name, out var status)
            ? status
            : throw new RequestValidationException($"status must be one of: {string.Join(", ", allowed)}");
}
