using System.Linq.Expressions;
using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.Sessions;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Dashboard.Queries.GetAgentActivity;

/// <summary>An agent's state and its last 24 hours of reports, per hour and status: the agent page's beat bar.</summary>
public sealed record GetAgentActivityQuery(string AgentId) : IQuery<AgentActivityDto>;

/// <param name="State">The agent's most urgent session's state.</param>
/// <param name="LiveCount">Sessions live now.</param>
/// <param name="Hours">24 hours, oldest first; the last one ends now.</param>
public sealed record AgentActivityDto(AgentState State, int LiveCount, IReadOnlyList<ActivityHour> Hours);

/// <summary>Reports (by their timestamp) in [<see cref="Start"/>, <see cref="Start"/> + 1 h), per status.</summary>
public sealed record ActivityHour(DateTimeOffset Start, int Running, int Pending, int Success, int Failed)
{
    public int Total => Running + Pending + Success + Failed;
}

public sealed class GetAgentActivityHandler(IApplicationDbContext db, TimeProvider time) : IQueryHandler<GetAgentActivityQuery, AgentActivityDto>
{
    public const int Hours = 24;

    public async ValueTask<AgentActivityDto> Handle(GetAgentActivityQuery query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var agent = await db.Board(now).Where(a => a.AgentId == query.AgentId)
            .Select(r => new { r.Urgency, r.LiveCount })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            ?? throw NotFoundException.Agent(query.AgentId);

        // Hour boundaries ending at now; one grouped query buckets the entries with a CASE over them.
        var starts = Enumerable.Range(0, Hours).Select(i => now.AddHours(i - Hours)).ToArray();
        var since = starts[0];
        var counts = await db.StatusEntries.AsNoTracking()
            .Where(e => e.AgentId == query.AgentId && e.Timestamp >= since && e.Timestamp <= now)
            .Select(Bucket(starts))
            .GroupBy(b => new { b.Hour, b.Status })
            .Select(g => new { g.Key.Hour, g.Key.Status, Count = g.Count() })
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        int Count(int hour, SessionStatus status) => counts.Where(c => c.Hour == hour && c.Status == status).Sum(c => c.Count);
        var hours = starts.Select((start, i) => new ActivityHour(
            start, Count(i, SessionStatus.Running), Count(i, SessionStatus.Pending), Count(i, SessionStatus.Success), Count(i, SessionStatus.Failed))).ToList();
        return new AgentActivityDto((AgentState)agent.Urgency, agent.LiveCount, hours);
    }

    /// <summary><c>e => new EntryHour { Hour = e.Timestamp &lt; starts[1] ? 0 : e.Timestamp &lt; starts[2] ? 1 : ... : 23, Status = e.Status }</c>.</summary>
    private static Expression<Func<StatusEntry, EntryHour>> Bucket(DateTimeOffset[] starts)
    {
        var entry = Expression.Parameter(typeof(StatusEntry), "e");
        var timestamp = Expression.Property(entry, nameof(StatusEntry.Timestamp));
        Expression hour = Expression.Constant(starts.Length - 1);
        for (var i = starts.Length - 1; i >= 1; i--)
        {
            // A closure-like member access, so each boundary goes to the database as a parameter in the store's own format.
            var boundary = Expression.Property(Expression.Constant(new Boundary(starts[i])), nameof(Boundary.At));
            hour = Expression.Condition(Expression.LessThan(timestamp, boundary), Expression.Constant(i - 1), hour);
        }

        var body = Expression.MemberInit(
            Expression.New(typeof(EntryHour)),
            Expression.Bind(typeof(EntryHour).GetProperty(nameof(EntryHour.Hour))!, hour),
            Expression.Bind(typeof(EntryHour).GetProperty(nameof(EntryHour.Status))!, Expression.Property(entry, nameof(StatusEntry.Status))));
        return Expression.Lambda<Func<StatusEntry, EntryHour>>(body, entry);
    }

    private sealed record Boundary(DateTimeOffset At);

    private sealed class EntryHour
    {
        public int Hour { get; init; }

        public SessionStatus Status { get; init; }
    }
}
