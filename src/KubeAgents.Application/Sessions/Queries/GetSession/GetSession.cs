using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Common.Mappings;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Sessions.Queries.GetSession;

/// <summary>One session and its status history, newest timestamp first.</summary>
public sealed record GetSessionQuery(string AgentId, string SessionTopic) : IQuery<SessionDetailDto>;

public sealed record SessionDetailDto(SessionDto Session, IReadOnlyList<StatusDto> StatusHistory);

public sealed class GetSessionHandler(IApplicationDbContext db, TimeProvider time) : IQueryHandler<GetSessionQuery, SessionDetailDto>
{
    public async ValueTask<SessionDetailDto> Handle(GetSessionQuery query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var session = await db.Sessions.AsNoTracking()
            .SingleOrDefaultAsync(s => s.AgentId == query.AgentId && s.Topic == query.SessionTopic, cancellationToken)
            .ConfigureAwait(false)
            ?? throw new NotFoundException($"session '{query.SessionTopic}' of agent '{query.AgentId}' not found");

        var history = await db.StatusEntries.AsNoTracking()
            .Where(e => e.SessionId == session.Id)
            .OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id)
            .ProjectToDto()
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        return new SessionDetailDto(session.ToDto(now), history);
    }
}
