using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.Sessions;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Dashboard.Queries.GetAgentsBoard;

/// <summary>How the dashboard orders agents: by attention (state, then last seen), last seen, or name.</summary>
public enum AgentSort
{
    Attention,
    LastSeen,
    Name,
}

/// <summary>The dashboard's home page: the overview band, what needs attention, and one page of agents.</summary>
/// <param name="Search">Case-insensitive substring of the agent id or name.</param>
/// <param name="State">Only agents in this state (an overview count's link).</param>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Agents per page, 1 to 500.</param>
/// <param name="AttentionLimit">How many of the sessions needing attention to list, 0 to 100.</param>
public sealed record GetAgentsBoardQuery(string? Search, AgentState? State, AgentSort Sort, int Page, int PageSize, int AttentionLimit) : IQuery<AgentsBoardDto>;

/// <param name="Counts">Agents per state, over all agents (search and filter do not narrow it), one entry per state.</param>
/// <param name="Total">All agents.</param>
/// <param name="Matching">Agents that match the search and state filter.</param>
/// <param name="Attention">The newest sessions that failed or went silent.</param>
/// <param name="AttentionTotal">How many sessions need attention in all.</param>
/// <param name="HasMore">Whether a next page follows.</param>
public sealed record AgentsBoardDto(
    IReadOnlyDictionary<AgentState, int> Counts,
    int Total,
    int Matching,
    IReadOnlyList<AttentionItem> Attention,
    int AttentionTotal,
    IReadOnlyList<BoardAgentRow> Agents,
    bool HasMore);

/// <summary>A session that failed or went silent.</summary>
/// <param name="Since">When it happened: the failing report's arrival, or the moment the session expired.</param>
/// <param name="Message">The message of the session's latest report, when it had one.</param>
public sealed record AttentionItem(string AgentId, string? AgentName, string SessionTopic, SessionStatus? Status, bool Silent, DateTimeOffset Since, string? Message);

public sealed class GetAgentsBoardHandler(IApplicationDbContext db, IAgentSearch search, TimeProvider time) : IQueryHandler<GetAgentsBoardQuery, AgentsBoardDto>
{
    public async ValueTask<AgentsBoardDto> Handle(GetAgentsBoardQuery query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rows = db.Board(now);

        // 5,000 agents are 5,000 small numbers: counted here, after one grouped pass in the database.
        var urgencies = await db.Urgencies(now).Select(u => u.Urgency).ToListAsync(cancellationToken).ConfigureAwait(false);
        var total = await db.Agents.CountAsync(cancellationToken).ConfigureAwait(false);
        var counts = Enum.GetValues<AgentState>().ToDictionary(s => s, s => urgencies.Count(u => u == (int)s));
        counts[AgentState.Idle] += total - urgencies.Count; // agents whose sessions were all deleted by retention

        var (attention, attentionTotal) = await NeedingAttentionAsync(now, query.AttentionLimit, cancellationToken).ConfigureAwait(false);

        var matching = rows;
        if (!string.IsNullOrEmpty(query.Search))
        {
            var ids = search.MatchingIds(query.Search);
            matching = matching.Where(a => ids.Contains(a.AgentId));
        }

        if (query.State is { } state)
        {
            var urgency = (int)state;
            matching = matching.Where(a => a.Urgency == urgency);
        }

        var ordered = query.Sort switch
        {
            AgentSort.LastSeen => matching.OrderByDescending(a => a.LastSeen).ThenBy(a => a.AgentId),
            AgentSort.Name => matching.OrderBy(a => a.Name ?? a.AgentId).ThenBy(a => a.AgentId),
            _ => matching.OrderBy(a => a.Urgency).ThenByDescending(a => a.LastSeen).ThenBy(a => a.AgentId),
        };
        var page = await ordered.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize + 1)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var matchingCount = string.IsNullOrEmpty(query.Search)
            ? (query.State is { } only ? counts[only] : total)
            : await matching.CountAsync(cancellationToken).ConfigureAwait(false);

        return new AgentsBoardDto(counts, total, matchingCount, attention, attentionTotal, [.. page.Take(query.PageSize)], page.Count > query.PageSize);
    }

    private async Task<(IReadOnlyList<AttentionItem> Items, int Total)> NeedingAttentionAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        var sessions = db.Sessions.AsNoTracking().Where(SessionWords.NeedsAttentionAt(now));
        var total = await sessions.CountAsync(cancellationToken).ConfigureAwait(false);
        if (total == 0 || limit == 0)
        {
            return ([], total);
        }

        var items = await sessions
            .OrderByDescending(s => s.CurrentStatus == SessionStatus.Failed ? s.LastUpdated : s.ExpiresAt).ThenByDescending(s => s.Id)
            .Take(limit)
            .Select(s => new AttentionItem(
                s.AgentId,
                s.Agent!.Name,
                s.Topic,
                s.CurrentStatus,
                s.CurrentStatus != SessionStatus.Failed,
                s.CurrentStatus == SessionStatus.Failed ? s.LastUpdated : s.ExpiresAt,
                db.StatusEntries.Where(e => e.SessionId == s.Id).OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id).Select(e => e.Message).FirstOrDefault()))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return (items, total);
    }
}
