using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Common.Mappings;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Agents.Queries.GetAgent;

public sealed record GetAgentQuery(string AgentId) : IQuery<AgentDto>;

public sealed class GetAgentHandler(IApplicationDbContext db, TimeProvider time) : IQueryHandler<GetAgentQuery, AgentDto>
{
    public async ValueTask<AgentDto> Handle(GetAgentQuery query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var row = await db.Agents.AsNoTracking()
            .Where(a => a.AgentId == query.AgentId)
            .Select(a => new
            {
                Agent = a,
                SessionCount = a.Sessions.Count,
                ActiveSessionCount = a.Sessions.Count(s => s.ExpiresAt >= now),
            })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"agent '{query.AgentId}' not found");

        return row.Agent.ToDto(row.SessionCount, row.ActiveSessionCount);
    }
}
