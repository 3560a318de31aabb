using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Common.Paging;
using KubeAgents.Domain.Sessions;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Agents.Queries.ListAgents;

/// <summary>A page of agents by <c>last_seen</c>, newest first (ties by id).</summary>
/// <param name="Status">Only agents whose latest status is this one.</param>
/// <param name="Search">Case-insensitive substring of the agent id or name.</param>
/// <param name="Limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="Cursor">The <c>next_cursor</c> of the previous page.</param>
public sealed record ListAgentsQuery(SessionStatus? Status, string? Search, int? Limit = null, string? Cursor = null) : IQuery<AgentListDto>;

/// <param name="NextCursor">Present when more agents follow: pass it as <c>cursor</c>.</param>
public sealed record AgentListDto(IReadOnlyList<AgentDto> Agents, string? NextCursor = null);

public sealed class ListAgentsHandler(IApplicationDbContext db, IAgentSearch search, TimeProvider time) : IQueryHandler<ListAgentsQuery, AgentListDto>
{
    public async ValueTask<AgentListDto> Handle(ListAgentsQuery query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var agents = db.Agents.AsNoTracking();
        if (query.Status is { } status)
        {
            agents = agents.Where(a => a.LatestStatus == status);
        }

        if (!string.IsNullOrEmpty(query.Search))
        {
            var matching = search.MatchingIds(query.Search);
            agents = agents.Where(a => matching.Contains(a.AgentId));
        }

        if (PageCursor.TryDecode(query.Cursor, out var after))
        {
            var at = after.At;
            var key = after.Key;
#pragma warning disable CA1309, CA1310 // string.Compare(a, b) is what EF translates; it orders like the ORDER BY below.
            agents = agents.Where(a => a.LastSeen < at || (a.LastSeen == at && string.Compare(a.AgentId, key) > 0));
#pragma warning restore CA1309, CA1310
        }

        var size = KeysetPage.Size(query.Limit);
        var rows = await agents
            .OrderByDescending(a => a.LastSeen).ThenBy(a => a.AgentId)
            .Take(size + 1)
            .WithSessionCounts(now)
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        var (items, next) = KeysetPage.Cut(rows, size, r => new PageCursor(r.Agent.LastSeen, r.Agent.AgentId), r => r.ToDto());
        return new AgentListDto(items, next);
    }
}
