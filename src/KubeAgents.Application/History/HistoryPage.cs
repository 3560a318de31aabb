using KubeAgents.Application.Common.Paging;
using KubeAgents.Domain.Sessions;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.History;

/// <summary>A page of status history, newest timestamp first (ties: the later arrival).</summary>
public static class HistoryPage
{
    /// <summary>One query: <paramref name="limit"/> + 1 rows after the cursor, the extra one only telling whether more remain.</summary>
    public static async Task<(IReadOnlyList<StatusDto> Items, string? NextCursor)> ReadAsync(
        IQueryable<StatusEntry> entries, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        var size = KeysetPage.Size(limit);
        if (PageCursor.TryDecode(cursor, out var after) && after.TryGetId(out var afterId))
        {
            var at = after.At;
            entries = entries.Where(e => e.Timestamp < at || (e.Timestamp == at && e.Id < afterId));
        }

        var rows = await entries
            .OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id)
            .Take(size + 1)
            .Select(e => new
            {
                e.Id,
                Dto = new StatusDto(e.AgentId, e.Session!.Topic, e.Status, e.Timestamp, e.Message, e.Content),
            })
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        return KeysetPage.Cut(rows, size, r => PageCursor.ForId(r.Dto.Timestamp, r.Id), r => r.Dto);
    }
}
