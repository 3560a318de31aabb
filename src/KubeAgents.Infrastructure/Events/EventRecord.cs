using KubeAgents.Domain.Notifications;
using KubeAgents.Application.Events;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Infrastructure.Events;

/// <summary>
/// One row of the event log: a fact committed in the same transaction as the change it describes
/// (a report's batch, the sweeper's expiry), numbered in commit order. <c>/api/events</c> is this table
/// read forwards; <c>Last-Event-ID</c> is a position in it.
/// </summary>
internal sealed class EventRecord
{
    public const string StatusType = "status";
    public const string SessionExpiredType = "session_expired";
    public const string AgentRegisteredType = "agent_registered";
    public const string SessionSilentType = "session_silent";

    // For EF Core.
    private EventRecord()
    {
        Type = null!;
        AgentId = null!;
    }

    private EventRecord(string type, string agentId, DateTimeOffset occurredAt)
    {
        Type = type;
        AgentId = agentId;
        OccurredAt = occurredAt;
    }

    /// <summary>
    /// The position in the log, given in the order events become visible (see ADR-009: SQLite's writer
    /// numbers its own, PostgreSQL's feed numbers the inbox under a lock). Clients see it plus
    /// <see cref="EventLog.IdBase"/>.
    /// </summary>
    public long Id { get; set; }

    public string Type { get; private set; }

    public string AgentId { get; private set; }

    public string? AgentName { get; private set; }

    public string? SessionTopic { get; private set; }

    public SessionStatus? Status { get; private set; }

    /// <summary>The reported timestamp of a status event.</summary>
    public DateTimeOffset? Timestamp { get; private set; }

    public string? Message { get; private set; }

    public SessionStatus? CurrentStatus { get; private set; }

    public int? TtlMinutes { get; private set; }

    /// <summary>Server time of the fact: a report's arrival, a session's expiry, an agent's registration. Also what pruning goes by.</summary>
    public DateTimeOffset OccurredAt { get; private set; }

    /// <summary>A report was applied; the session's state is the one right after it.</summary>
    public static EventRecord ReportApplied(Agent agent, Session session, StatusReport report, DateTimeOffset receivedAt) => new(StatusType, agent.AgentId, receivedAt)
    {
        AgentName = agent.Name,
        SessionTopic = session.Topic,
        Status = report.Status,
        Timestamp = report.Timestamp,
        Message = string.IsNullOrEmpty(report.Message) ? null : report.Message,
        CurrentStatus = session.CurrentStatus,
        TtlMinutes = session.TtlMinutes,
    };

    public static EventRecord AgentRegistered(Agent agent) => new(AgentRegisteredType, agent.AgentId, agent.Registered)
    {
        AgentName = agent.Name,
    };

    /// <summary>The event as the stream shows it, its id as clients see it (the stored one plus <paramref name="idBase"/>).</summary>
    public StreamEvent ToStreamEvent(long idBase) => new(Id + idBase, Type, Type switch
    {
        StatusType => new StatusEventData(AgentId, AgentName, SessionTopic!, Status!.Value, Timestamp!.Value, Message, CurrentStatus, TtlMinutes ?? 0, OccurredAt),
        SessionExpiredType => new SessionExpiredEventData(AgentId, SessionTopic!, OccurredAt),
        SessionSilentType => new SessionSilentEventData(AgentId, AgentName, SessionTopic!, Status!.Value, Timestamp!.Value, Message, OccurredAt),
        _ => new AgentRegisteredEventData(AgentId, AgentName, OccurredAt),
    });

    public static EventRecord SessionExpired(string agentId, string topic, DateTimeOffset expiredAt) => new(SessionExpiredType, agentId, expiredAt)
    {
        SessionTopic = topic,
    };

    /// <summary>A live session expired: its agent stopped reporting mid-task (see <see cref="SilentSession"/>).</summary>
    public static EventRecord SessionSilent(SilentSession silent) => new(SessionSilentType, silent.AgentId, silent.ExpiredAt)
    {
        AgentName = silent.AgentName,
        SessionTopic = silent.Topic,
        Status = silent.LastStatus,
        Timestamp = silent.LastStatusAt,
        Message = silent.LastMessage,
    };
}
