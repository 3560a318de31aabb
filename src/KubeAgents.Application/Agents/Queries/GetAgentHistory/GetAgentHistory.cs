using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.History;
using KubeAgents.Application.Sessions.Queries;
using KubeAgents.Domain.Sessions;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Agents.Queries.GetAgentHistory;

/// <summary>A page of the agent's status history across all its sessions, newest timestamp first.</summary>
/// <param name="Status">Only entries with this status.</param>
/// <param name="Limit">Page size, 1 to 1000 (default 100).</param>
/// <param name="Cursor">The <c>next_cursor</c> of the previous page.</param>
public sealed record GetAgentHistoryQuery(string AgentId, SessionStatus? Status, int? Limit = null, string? Cursor = null) : IQuery<AgentHistoryDto>;

/// <param name="NextCursor">Present when older history follows: pass it as <c>cursor</c>.</param>
public sealed record AgentHistoryDto(IReadOnlyList<StatusDto> StatusHistory, string? NextCursor = null);

public sealed class GetAgentHistoryHandler(IApplicationDbContext db) : IQueryHandler<GetAgentHistoryQuery, AgentHistoryDto>
{
    public async ValueTask<AgentHistoryDto> Handle(GetAgentHistoryQuery query, CancellationToken cancellationToken)
    {
        var entries = db.StatusEntries.AsNoTracking().Where(e => e.AgentId == query.AgentId);
        if (query.Status is { } status)
        {
            entries = entries.Where(e => e.Status == status);
        }

        var (history, next) = await HistoryPage.ReadAsync(entries, query.Limit, query.Cursor, cancellationToken).ConfigureAwait(false);
        if (history.Count == 0 && query.Cursor is null)
        {
            await db.ThrowIfAgentUnknownAsync(query.AgentId, cancellationToken).ConfigureAwait(false);
        }

        return new AgentHistoryDto(history, next);
    }
}
