using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.History;
using KubeAgents.Application.Sessions.Queries;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Agents.Queries.GetLatestStatus;

/// <summary>The agent's report with the greatest timestamp over all its sessions (ties: the later arrival).</summary>
public sealed record GetLatestStatusQuery(string AgentId) : IQuery<StatusDto>;

public sealed class GetLatestStatusHandler(IApplicationDbContext db) : IQueryHandler<GetLatestStatusQuery, StatusDto>
{
    public async ValueTask<StatusDto> Handle(GetLatestStatusQuery query, CancellationToken cancellationToken)
    {
        // The latest status is the first entry of the agent's history.
        var (page, _) = await HistoryPage.ReadAsync(
            db.StatusEntries.AsNoTracking().Where(e => e.AgentId == query.AgentId), limit: 1, cursor: null, cancellationToken)
            .ConfigureAwait(false);
        if (page.Count > 0)
        {
            return page[0];
        }

        var known = await db.Agents.AnyAsync(a => a.AgentId == query.AgentId, cancellationToken).ConfigureAwait(false);
        throw known
            ? new NotFoundException($"agent '{query.AgentId}' has no status yet")
            : NotFoundException.Agent(query.AgentId);
    }
}
