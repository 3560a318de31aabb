using System.Linq.Expressions;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.Common;
using Microsoft.EntityFrameworkCore;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Dashboard;

/// <summary>What a session is doing (DESIGN §3): the one meaning of each word in the dashboard.</summary>
public enum SessionWord
{
    /// <summary>Its TTL has not run out and its current status is running or pending.</summary>
    Live,

    /// <summary>Its current status is success or failed.</summary>
    Finished,

    /// <summary>It expired while running or pending: the agent stopped reporting mid-task.</summary>
    Silent,
}

/// <summary>
/// What an agent is doing now: its most urgent session's state, in this order (failed and silent
/// first). Idle: nothing live, failed or silent (every session succeeded, or none has a status).
/// </summary>
public enum AgentState
{
    Failed,
    Silent,
    Running,
    Pending,
    Idle,
}

/// <summary>The words as expressions every store translates, and their names in links and CSS classes.</summary>
public static class SessionWords
{
    public static WireNames<AgentState> StateNames { get; } = new("failed", "silent", "running", "pending", "idle");

    public static WireNames<SessionWord> WordNames { get; } = new("live", "finished", "silent");

    public static string Name(this AgentState state) => StateNames.Of(state);

    public static string Name(this SessionWord word) => WordNames.Of(word);

    /// <summary>A session whose current status is failed: it needs attention until a later report resolves it.</summary>
    public static Expression<Func<Session, bool>> Failed { get; } = s => s.CurrentStatus == SessionStatus.Failed;

    /// <summary>Expired at <paramref name="now"/> while running or pending.</summary>
    public static Expression<Func<Session, bool>> SilentAt(DateTimeOffset now) =>
        s => s.ExpiresAt < now && (s.CurrentStatus == SessionStatus.Running || s.CurrentStatus == SessionStatus.Pending);

    /// <summary>Not expired at <paramref name="now"/>, and its current status is <paramref name="status"/> (running or pending).</summary>
    public static Expression<Func<Session, bool>> LiveWith(DateTimeOffset now, SessionStatus status) =>
        s => s.ExpiresAt >= now && s.CurrentStatus == status;

    /// <summary>Live at <paramref name="now"/>: not expired, running or pending.</summary>
    public static Expression<Func<Session, bool>> LiveAt(DateTimeOffset now) =>
        s => s.ExpiresAt >= now && (s.CurrentStatus == SessionStatus.Running || s.CurrentStatus == SessionStatus.Pending);

    /// <summary>Failed or silent at <paramref name="now"/>.</summary>
    public static Expression<Func<Session, bool>> NeedsAttentionAt(DateTimeOffset now) =>
        s => s.CurrentStatus == SessionStatus.Failed
             || (s.ExpiresAt < now && (s.CurrentStatus == SessionStatus.Running || s.CurrentStatus == SessionStatus.Pending));

    /// <summary>The word for a session as the API shows it (<paramref name="expired"/> exact at the read).</summary>
    public static SessionWord WordOf(SessionStatus? current, bool expired) => current switch
    {
        SessionStatus.Success or SessionStatus.Failed => SessionWord.Finished,
        _ when expired => SessionWord.Silent,
        _ => SessionWord.Live,
    };

    /// <summary>
    /// A session's urgency: 0 failed, 1 silent, 2 live and running, 3 live and pending, 4 otherwise
    /// (succeeded): the <see cref="AgentState"/> it gives its agent. Built from the words above.
    /// </summary>
    public static Expression<Func<Session, int>> UrgencyAt(DateTimeOffset now)
    {
        var s = Expression.Parameter(typeof(Session), "s");
        Expression body = Expression.Constant((int)AgentState.Idle);
        foreach (var (rule, state) in new[]
        {
            (LiveWith(now, SessionStatus.Pending), AgentState.Pending),
            (LiveWith(now, SessionStatus.Running), AgentState.Running),
            (SilentAt(now), AgentState.Silent),
            (Failed, AgentState.Failed),
        })
        {
            body = Expression.Condition(Parameters.Bind(rule, s), Expression.Constant((int)state), body);
        }

        return Expression.Lambda<Func<Session, int>>(body, s);
    }

    /// <summary>Per agent that has sessions: its most urgent session's state (as a number), its live and total sessions. One pass over the sessions.</summary>
    public static IQueryable<AgentUrgency> Urgencies(this IApplicationDbContext db, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Sessions.AsNoTracking().Select(SessionRows(now)).GroupBy(r => r.AgentId).Select(g => new AgentUrgency
        {
            AgentId = g.Key,
            Urgency = g.Min(r => r.Urgency),
            Live = g.Sum(r => r.Live),
            Count = g.Count(),
        });
    }

    /// <summary>
    /// One row per agent with its state and session counts. The state is one correlated MIN over the
    /// agent's sessions (their urgency), computed by the database; no query per agent.
    /// </summary>
    public static IQueryable<BoardAgentRow> Board(this IApplicationDbContext db, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        var urgency = UrgencyAt(now);
        var live = LiveAt(now);
        return db.Agents.AsNoTracking().Select(a => new BoardAgentRow
        {
            AgentId = a.AgentId,
            Name = a.Name,
            Source = a.Source,
            LastSeen = a.LastSeen,
            LatestStatus = a.LatestStatus,
            LatestMessage = a.LatestMessage,
            SessionCount = a.SessionCount,
            LiveCount = a.Sessions.AsQueryable().Count(live),
            Urgency = a.Sessions.AsQueryable().Select(urgency).Min(u => (int?)u) ?? (int)AgentState.Idle,
        });
    }

    /// <summary><c>s => new SessionRow { AgentId, Urgency = UrgencyAt(now), Live = LiveAt(now) ? 1 : 0 }</c>.</summary>
    private static Expression<Func<Session, SessionRow>> SessionRows(DateTimeOffset now)
    {
        var s = Expression.Parameter(typeof(Session), "s");
        var body = Expression.MemberInit(
            Expression.New(typeof(SessionRow)),
            Expression.Bind(typeof(SessionRow).GetProperty(nameof(SessionRow.AgentId))!, Expression.Property(s, nameof(Session.AgentId))),
            Expression.Bind(typeof(SessionRow).GetProperty(nameof(SessionRow.Urgency))!, Parameters.Bind(UrgencyAt(now), s)),
            Expression.Bind(typeof(SessionRow).GetProperty(nameof(SessionRow.Live))!, Expression.Condition(Parameters.Bind(LiveAt(now), s), Expression.Constant(1), Expression.Constant(0))));
        return Expression.Lambda<Func<Session, SessionRow>>(body, s);
    }

    private sealed class SessionRow
    {
        public required string AgentId { get; init; }

        public int Urgency { get; init; }

        public int Live { get; init; }
    }

    /// <summary>Puts one parameter in place of a lambda's own, so rules written once compose into bigger expressions.</summary>
    private sealed class Parameters(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        public static Expression Bind<T, TResult>(Expression<Func<T, TResult>> rule, Expression argument) =>
            new Parameters(rule.Parameters[0], argument).Visit(rule.Body);

        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}

/// <summary>An agent's most urgent session (<see cref="AgentState"/> as a number) and its session counts.</summary>
public sealed class AgentUrgency
{
    public required string AgentId { get; init; }

    public int Urgency { get; init; }

    public int Live { get; init; }

    public int Count { get; init; }
}

/// <summary>An agent as the dashboard shows it: its state word beside the API's fields.</summary>
public sealed class BoardAgentRow
{
    public required string AgentId { get; init; }

    public string? Name { get; init; }

    public string? Source { get; init; }

    public DateTimeOffset LastSeen { get; init; }

    public SessionStatus? LatestStatus { get; init; }

    public string? LatestMessage { get; init; }

    public int SessionCount { get; init; }

    /// <summary>Sessions live at the read: not expired, running or pending.</summary>
    public int LiveCount { get; init; }

    /// <summary>The most urgent session's <see cref="AgentState"/>, as its number: what the database sorts and filters by.</summary>
    public int Urgency { get; init; }

    public AgentState State => (AgentState)Urgency;
}
