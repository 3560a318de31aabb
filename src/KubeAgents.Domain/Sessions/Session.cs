using System.Linq.Expressions;
using KubeAgents.Domain.Agents;

namespace KubeAgents.Domain.Sessions;

/// <summary>
/// One task of an agent, identified by its topic. It expires when no report arrives for
/// <see cref="TtlMinutes"/>, and a later report revives it.
/// </summary>
/// <remarks>
/// The current status, its time and the first running time are kept on the row, so recording a
/// report never reads the history, however long it is.
/// </remarks>
public sealed class Session
{
    public const int DefaultTtlMinutes = 30;
    public const int MaxTtlMinutes = 1440;
    public const int MaxTopicLength = 500;

    private readonly List<StatusEntry> _history = [];

    // For EF Core.
    private Session()
    {
        AgentId = null!;
        Topic = null!;
    }

    private Session(string agentId, string topic, DateTimeOffset now)
    {
        AgentId = agentId;
        Topic = topic;
        Created = now;
        LastUpdated = now;
        TtlMinutes = DefaultTtlMinutes;
        ExpiresAt = now.AddMinutes(DefaultTtlMinutes);
    }

    public long Id { get; private set; }

    public string AgentId { get; private set; }

    public Agent? Agent { get; private set; }

    public string Topic { get; private set; }

    public DateTimeOffset Created { get; private set; }

    public DateTimeOffset LastUpdated { get; private set; }

    public int TtlMinutes { get; private set; }

    /// <summary><see cref="LastUpdated"/> + <see cref="TtlMinutes"/>: the session is expired once the clock passes it.</summary>
    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>Set by the sweeper when it persists the expiry; reads use <see cref="IsExpiredAt"/>, which is exact whether or not the sweeper ran.</summary>
    public bool Expired { get; private set; }

    public DateTimeOffset? ExpiredAt { get; private set; }

    public SessionStatus? CurrentStatus { get; private set; }

    /// <summary>Timestamp of the entry that holds the current status: the greatest timestamp seen.</summary>
    public DateTimeOffset? CurrentStatusAt { get; private set; }

    /// <summary>Earliest timestamp of a running entry: where a finished session's duration starts.</summary>
    public DateTimeOffset? FirstRunningAt { get; private set; }

    /// <summary>The history; only entries added in this unit of work unless explicitly loaded.</summary>
    public IReadOnlyCollection<StatusEntry> History => _history;

    /// <summary>A new session with the default TTL and no history yet.</summary>
    public static Session Open(string agentId, string topic, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        return new Session(agentId, topic, now);
    }

    /// <summary>The expiry rule, as an expression every store evaluates in its own queries.</summary>
    public static Expression<Func<Session, bool>> ExpiredAsOf(DateTimeOffset now) => s => s.ExpiresAt < now;

    /// <summary>
    /// The complement of <see cref="ExpiredAsOf"/>: the TTL has not passed at <paramref name="now"/>. The
    /// sweeper marks only sessions whose TTL has passed, so <c>!Expired</c> changes nothing but lets the
    /// stores' partial indexes of live sessions (<c>WHERE NOT expired</c>) answer it.
    /// </summary>
    public static Expression<Func<Session, bool>> ActiveAsOf(DateTimeOffset now) => s => !s.Expired && s.ExpiresAt >= now;

    /// <summary>
    /// Live on the row (<c>!Expired</c>) but past its TTL at <paramref name="now"/>: what the sweeper will
    /// mark next. Few at any moment, and a range of the stores' partial index of live sessions by agent.
    /// </summary>
    public static Expression<Func<Session, bool>> OverdueAsOf(DateTimeOffset now) => s => !s.Expired && s.ExpiresAt < now;

    /// <summary><see cref="ExpiredAsOf"/> for a session in hand.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => now > ExpiresAt;

    /// <summary>
    /// Appends the report to the history, keeps the session alive (reviving it if it had expired) and
    /// makes the report the current status unless an entry with a later timestamp is already there.
    /// </summary>
    public RecordOutcome Record(StatusReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.TtlMinutes is < 0 or > MaxTtlMinutes)
        {
            throw new ArgumentOutOfRangeException(nameof(report), report.TtlMinutes, $"TTL must be 0 to {MaxTtlMinutes} minutes.");
        }

        if (report.TtlMinutes > 0)
        {
            TtlMinutes = report.TtlMinutes;
        }

        // Reports are stamped when accepted and applied in queue order: never move back in time.
        if (now > LastUpdated)
        {
            LastUpdated = now;
        }

        ExpiresAt = LastUpdated.AddMinutes(TtlMinutes);
        var revived = Expired;
        Expired = false;
        ExpiredAt = null;

        var entry = new StatusEntry(this, report, now);
        _history.Add(entry);

        if (report.Status == SessionStatus.Running && (FirstRunningAt is null || report.Timestamp < FirstRunningAt))
        {
            FirstRunningAt = report.Timestamp;
        }

        var previous = CurrentStatus;
        // Ties go to the later arrival, as if the reports had come in timestamp order.
        var becameCurrent = CurrentStatusAt is null || report.Timestamp >= CurrentStatusAt;
        if (becameCurrent)
        {
            CurrentStatus = report.Status;
            CurrentStatusAt = report.Timestamp;
        }

        return new RecordOutcome(entry, becameCurrent, previous, revived);
    }
}
