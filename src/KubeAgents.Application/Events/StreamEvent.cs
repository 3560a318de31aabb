using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Events;

/// <summary>One event of <c>/api/events</c>: its position in the log (the SSE <c>id:</c>), its type (the SSE <c>event:</c>) and its data.</summary>
public sealed record StreamEvent(long Id, string Type, IEventData Data)
{
    public const string Status = "status";
    public const string SessionExpired = "session_expired";
    public const string AgentRegistered = "agent_registered";

    /// <summary>Not in the log: sent first to a client whose <c>Last-Event-ID</c> the log cannot have issued.</summary>
    public const string Reset = "reset";

    /// <summary>A session expired while running or pending: the agent stopped reporting mid-task.</summary>
    public const string SessionSilent = "session_silent";
}

/// <summary>The JSON of an event, in the API's wire format.</summary>
public interface IEventData;

/// <summary>The data of an event of the log: every one names its agent.</summary>
public interface IAgentEventData : IEventData
{
    string AgentId { get; }
}

/// <summary>A report was accepted (committed).</summary>
/// <param name="AgentName">The agent's name after this report; absent while it has none.</param>
/// <param name="Timestamp">The timestamp the agent reported.</param>
/// <param name="Message">Absent when the report had none.</param>
/// <param name="CurrentStatus">The session's current status right after this report (an older, late report leaves it unchanged).</param>
/// <param name="TtlMinutes">The session's TTL right after this report.</param>
/// <param name="ReceivedAt">When the service accepted the report.</param>
public sealed record StatusEventData(
    string AgentId,
    string? AgentName,
    string SessionTopic,
    SessionStatus Status,
    DateTimeOffset Timestamp,
    string? Message,
    SessionStatus? CurrentStatus,
    int TtlMinutes,
    DateTimeOffset ReceivedAt) : IAgentEventData;

/// <summary>The sweeper persisted a session's expiry.</summary>
/// <param name="ExpiredAt">last_updated + ttl_minutes: when it expired.</param>
public sealed record SessionExpiredEventData(string AgentId, string SessionTopic, DateTimeOffset ExpiredAt) : IAgentEventData;

/// <summary>A live session (running or pending) expired: its agent stopped reporting mid-task. Follows its session_expired event.</summary>
/// <param name="AgentName">Absent while the agent has none.</param>
/// <param name="LastStatus">The session's status when it went quiet: running or pending.</param>
/// <param name="LastStatusAt">That status's reported timestamp.</param>
/// <param name="Message">That status's message; absent when it had none.</param>
/// <param name="ExpiredAt">last_updated + ttl_minutes: when it expired.</param>
public sealed record SessionSilentEventData(
    string AgentId, string? AgentName, string SessionTopic, SessionStatus LastStatus, DateTimeOffset LastStatusAt, string? Message, DateTimeOffset ExpiredAt) : IAgentEventData;

/// <summary>An agent's first report was accepted.</summary>
/// <param name="AgentName">Absent when the first report had none.</param>
public sealed record AgentRegisteredEventData(string AgentId, string? AgentName, DateTimeOffset Registered) : IAgentEventData;

/// <summary>
/// The log cannot have issued the client's <c>Last-Event-ID</c> (ahead of its newest event, or from
/// before a restart of a temporary store): what the client shows may be stale, so it reloads it; the
/// events after this one are new. The message's id is a valid resume point.
/// </summary>
/// <param name="Reason">Why, in plain words.</param>
public sealed record ResetEventData(string Reason) : IEventData;

/// <summary>Which events a subscriber wants: all, or one agent's, or one session topic's (or both).</summary>
public sealed record EventFilter(string? AgentId, string? SessionTopic)
{
    public bool Matches(StreamEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Data is not IAgentEventData data)
        {
            // A message about the stream itself (reset) concerns every subscriber.
            return true;
        }

        if (AgentId is not null && data.AgentId != AgentId)
        {
            return false;
        }

        return SessionTopic is null || e.Data switch
        {
            StatusEventData s => s.SessionTopic == SessionTopic,
            SessionExpiredEventData s => s.SessionTopic == SessionTopic,
            SessionSilentEventData s => s.SessionTopic == SessionTopic,
            _ => false,
        };
    }
}
