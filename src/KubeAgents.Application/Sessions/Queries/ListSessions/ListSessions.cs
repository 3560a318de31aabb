using KubeAgents.Application.Agents.Queries;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Common.Mappings;
using KubeAgents.Application.Common.Paging;
using KubeAgents.Domain.Sessions;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Sessions.Queries.ListSessions;

/// <summary>A page of an agent's sessions by <c>last_updated</c>, newest first.</summary>
/// <param name="IncludeExpired">False leaves out the sessions expired at the time of the read.</param>
/// <param name="Limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="Cursor">The <c>next_cursor</c> of the previous page.</param>
public sealed record ListSessionsQuery(string AgentId, bool IncludeExpired = true, int? Limit = null, string? Cursor = null) : IQuery<SessionListDto>;

/// <param name="NextCursor">Present when more sessions follow: pass it as <c>cursor</c>.</param>
public sealed record SessionListDto(IReadOnlyList<SessionDto> Sessions, string? NextCursor = null);

public sealed class ListSessionsHandler(IApplicationDbContext db, TimeProvider time) : IQueryHandler<ListSessionsQuery, SessionListDto>
{
    public async ValueTask<SessionListDto> Handle(ListSessionsQuery query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sessions = db.Sessions.AsNoTracking().Where(s => s.AgentId == query.AgentId);
        if (!query.IncludeExpired)
        {
            sessions = sessions.Where(Session.ActiveAsOf(now));
        }

        if (PageCursor.TryDecode(query.Cursor, out var after) && after.TryGetId(out var afterId))
        {
            var at = after.At;
            sessions = sessions.Where(s => s.LastUpdated < at || (s.LastUpdated == at && s.Id < afterId));
        }

        var size = KeysetPage.Size(query.Limit);
        var found = await sessions
            .OrderByDescending(s => s.LastUpdated).ThenByDescending(s => s.Id)
            .Take(size + 1)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
        {
            await db.ThrowIfAgentUnknownAsync(query.AgentId, cancellationToken).ConfigureAwait(false);
        }

        var (items, next) = KeysetPage.Cut(found, size, s => PageCursor.ForId(s.LastUpdated, s.Id), s => s.ToDto(now));
        return new SessionListDto(items, next);
    }
}
