using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Common.Mappings;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Sessions.Queries.ListSessions;

/// <summary>An agent's sessions by <c>last_updated</c>, newest first.</summary>
/// <param name="Expired"><c>false</c> leaves out the sessions expired at the time of the read.</param>
public sealed record ListSessionsQuery(string AgentId, bool? Expired) : IQuery<SessionListDto>;

public sealed record SessionListDto(IReadOnlyList<SessionDto> Sessions);

public sealed class ListSessionsHandler(IApplicationDbContext db, TimeProvider time) : IQueryHandler<ListSessionsQuery, SessionListDto>
{
    public async ValueTask<SessionListDto> Handle(ListSessionsQuery query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sessions = db.Sessions.AsNoTracking().Where(s => s.AgentId == query.AgentId);
        sessions = query.Expired switch
        {
            false => sessions.Where(s => s.ExpiresAt >= now),
            true => sessions.Where(s => s.ExpiresAt < now),
            null => sessions,
        };

        var found = await sessions
            .OrderByDescending(s => s.LastUpdated).ThenByDescending(s => s.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (found.Count == 0 && !await db.Agents.AnyAsync(a => a.AgentId == query.AgentId, cancellationToken).ConfigureAwait(false))
        {
            throw new NotFoundException($"agent '{query.AgentId}' not found");
        }

        return new SessionListDto([.. found.Select(s => s.ToDto(now))]);
    }
}
