using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Events;

/// <summary>One event of <c>/api/events</c>: its position in the log (the SSE <c>id:</c>), its type (the SSE <c>event:</c>) and its data.</summary>
public sealed record StreamEvent(long Id, string Type, IEventData Data)
{
    public const string Status = "status";
    public const string SessionExpired = "session_expired";
    public const string AgentRegistered = "agent_registered";
    public const string SessionSilent = "session_silent";
}

/// <summary>The JSON of an event, in the API's wire format. Every event names its agent.</summary>
public interface IEventData
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
    DateTimeOffset ReceivedAt) : IEventData;

/// <summary>The sweeper persisted a session's expiry.</summary>
/// <param name="ExpiredAt">last_updated + ttl_minutes: when it expired.</param>
public sealed record SessionExpiredEventData(string AgentId, string SessionTopic, DateTimeOffset ExpiredAt) : IEventData;

/// <summary>A live session (running or pending) expired: its agent stopped reporting mid-task. Follows its session_expired event.</summary>
/// <param name="AgentName">Absent while the agent has none.</param>
/// <param name="LastStatus">The session's status when it went quiet: running or pending.</param>
/// <param name="LastStatusAt">That status's reported timestamp.</param>
/// <param name="Message">That status's message; absent when it had none.</param>
/// <param name="ExpiredAt">last_updated + ttl_minutes: when it expired.</param>
public sealed record SessionSilentEventData(
    string AgentId, string? AgentName, string SessionTopic, SessionStatus LastStatus, DateTimeOffset LastStatusAt, string? Message, DateTimeOffset ExpiredAt) : IEventData;

/// <summary>An agent's first report was accepted.</summary>
/// <param name="AgentName">Absent when the first report had none.</param>
public sealed record AgentRegisteredEventData(string AgentId, string? AgentName, DateTimeOffset Registered) : IEventData;

/// <summary>Which events a subscriber wants: all, or one agent's, or one session topic's (or both).</summary>
public sealed record EventFilter(string? AgentId, string? SessionTopic)
{
    public bool Matches(StreamEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (AgentId is not null && e.Data.AgentId != AgentId)
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
