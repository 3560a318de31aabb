using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
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
            .WithSessionCounts(now)
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            ?? throw NotFoundException.Agent(query.AgentId);

        return row.ToDto();
    }
}
