using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Common.Mappings;
using KubeAgents.Domain.Sessions;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Agents.Queries.ListAgents;

/// <summary>Agents by <c>last_seen</c>, newest first.</summary>
/// <param name="Status">Only agents whose latest status is this one.</param>
/// <param name="Search">Case-insensitive substring of the agent id or name.</param>
public sealed record ListAgentsQuery(string? Status, string? Search) : IQuery<AgentListDto>;

public sealed record AgentListDto(IReadOnlyList<AgentDto> Agents);

public sealed class ListAgentsHandler(IApplicationDbContext db, TimeProvider time) : IQueryHandler<ListAgentsQuery, AgentListDto>
{
    public async ValueTask<AgentListDto> Handle(ListAgentsQuery query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var agents = db.Agents.AsNoTracking();
        if (SessionStatusExtensions.TryParseWireName(query.Status, out var status))
        {
            agents = agents.Where(a => a.LatestStatus == status);
        }

        if (!string.IsNullOrEmpty(query.Search))
        {
            var search = query.Search.ToLowerInvariant();
#pragma warning disable CA1862, CA1311 // ToLower is what both EF providers translate; comparison overloads are not translated.
            agents = agents.Where(a => a.AgentId.ToLower().Contains(search) || (a.Name != null && a.Name.ToLower().Contains(search)));
#pragma warning restore CA1862, CA1311
        }

        var rows = await agents
            .OrderByDescending(a => a.LastSeen).ThenBy(a => a.AgentId)
            .Select(a => new
            {
                Agent = a,
                SessionCount = a.Sessions.Count,
                ActiveSessionCount = a.Sessions.Count(s => s.ExpiresAt >= now),
            })
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        return new AgentListDto([.. rows.Select(r => r.Agent.ToDto(r.SessionCount, r.ActiveSessionCount))]);
    }
}
