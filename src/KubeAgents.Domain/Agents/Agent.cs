using KubeAgents.Domain.Sessions;

namespace KubeAgents.Domain.Agents;

/// <summary>A reporter, registered by its first report.</summary>
/// <remarks>The latest status over all sessions lives on the row so lists and filters never scan history.</remarks>
public sealed class Agent
{
    public const int MaxIdLength = 100;
    public const int MaxNameLength = 200;
    public const int MaxSourceLength = 200;

    private readonly List<Session> _sessions = [];

    // For EF Core.
    private Agent()
    {
        AgentId = null!;
    }

    private Agent(string agentId, DateTimeOffset now)
    {
        AgentId = agentId;
        Registered = now;
        LastSeen = now;
    }

    public string AgentId { get; private set; }

    public string? Name { get; private set; }

    public string? Source { get; private set; }

    public DateTimeOffset Registered { get; private set; }

    public DateTimeOffset LastSeen { get; private set; }

    public SessionStatus? LatestStatus { get; private set; }

    public DateTimeOffset? LatestStatusAt { get; private set; }

    public string? LatestMessage { get; private set; }

    /// <summary>
    /// The agent's sessions in the store, kept on the row (one more per session opened, fewer when
    /// retention deletes some) so a page of agents never counts their sessions.
    /// </summary>
    public int SessionCount { get; private set; }

    /// <summary>
    /// The agent's sessions not yet marked expired, kept on the row: one more per session opened or
    /// revived, fewer as the sweeper marks some. Those of them past their TTL that the sweeper has not
    /// marked yet (<see cref="Session.OverdueAsOf"/>) are what a read subtracts to get the active count.
    /// </summary>
    public int LiveSessionCount { get; private set; }

    public IReadOnlyCollection<Session> Sessions => _sessions;

    /// <summary>A new session of this agent (<see cref="Session.Open"/>), counted in <see cref="SessionCount"/> and <see cref="LiveSessionCount"/>.</summary>
    public Session OpenSession(string topic, DateTimeOffset now)
    {
        var session = Session.Open(AgentId, topic, now);
        SessionCount++;
        LiveSessionCount++;
        return session;
    }

    /// <summary>A report revived one of this agent's sessions that the sweeper had marked expired (<see cref="RecordOutcome.Revived"/>).</summary>
    public void SessionRevived() => LiveSessionCount++;

    /// <summary>A newly registered agent with no name, source or status yet.</summary>
    public static Agent Register(string agentId, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        return new Agent(agentId, now);
    }

    /// <summary>
    /// Notes a report of one of the agent's sessions: the agent was seen now, a non-empty name or
    /// source replaces the stored one, and the report becomes the agent's latest status unless a
    /// later-stamped one is already known.
    /// </summary>
    public void Record(string? name, string? source, StatusReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        // Reports are stamped when accepted and applied in queue order: never move back in time.
        if (now > LastSeen)
        {
            LastSeen = now;
        }

        if (!string.IsNullOrEmpty(name))
        {
            Name = name;
        }

        if (!string.IsNullOrEmpty(source))
        {
            Source = source;
        }

        if (LatestStatusAt is null || report.Timestamp >= LatestStatusAt)
        {
            LatestStatus = report.Status;
            LatestStatusAt = report.Timestamp;
            LatestMessage = string.IsNullOrEmpty(report.Message) ? null : report.Message;
        }
    }
}
