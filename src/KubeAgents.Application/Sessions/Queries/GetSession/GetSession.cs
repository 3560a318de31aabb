using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Common.Mappings;
using KubeAgents.Application.History;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Sessions.Queries.GetSession;

/// <summary>One session and a page of its status history, newest timestamp first.</summary>
/// <param name="HistoryLimit">History page size, 1 to 1000 (default 100).</param>
/// <param name="HistoryCursor">The <c>next_history_cursor</c> of the previous page.</param>
public sealed record GetSessionQuery(string AgentId, string SessionTopic, int? HistoryLimit = null, string? HistoryCursor = null)
    : IQuery<SessionDetailDto>;

/// <param name="NextHistoryCursor">Present when older history follows: pass it as <c>history_cursor</c>.</param>
public sealed record SessionDetailDto(SessionDto Session, IReadOnlyList<StatusDto> StatusHistory, string? NextHistoryCursor = null);

public sealed class GetSessionHandler(IApplicationDbContext db, TimeProvider time) : IQueryHandler<GetSessionQuery, SessionDetailDto>
{
    public async ValueTask<SessionDetailDto> Handle(GetSessionQuery query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var session = await db.Sessions.AsNoTracking()
            .SingleOrDefaultAsync(s => s.AgentId == query.AgentId && s.Topic == query.SessionTopic, cancellationToken)
            .ConfigureAwait(false)
            ?? throw new NotFoundException($"session '{query.SessionTopic}' of agent '{query.AgentId}' not found");

        var (history, next) = await HistoryPage.ReadAsync(
            db.StatusEntries.AsNoTracking().Where(e => e.SessionId == session.Id),
            query.HistoryLimit,
            query.HistoryCursor,
            cancellationToken).ConfigureAwait(false);

        return new SessionDetailDto(session.ToDto(now), history, next);
    }
}
