using KubeAgents.Application.Common.Paging;
using KubeAgents.Domain.Sessions;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Sessions.Queries;

/// <summary>A page of status history, newest timestamp first (ties: the later arrival).</summary>
public static class HistoryPage
{
    /// <summary>One query: <paramref name="limit"/> + 1 rows after the cursor, the extra one only telling whether more remain.</summary>
    public static async Task<(IReadOnlyList<StatusDto> Items, string? NextCursor)> ReadAsync(
        IQueryable<StatusEntry> entries, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        var take = limit ?? PageCursor.DefaultLimit;
        if (PageCursor.TryDecode(cursor, out var after) && after.TryGetId(out var afterId))
        {
            var at = after.At;
            entries = entries.Where(e => e.Timestamp < at || (e.Timestamp == at && e.Id < afterId));
        }

        var rows = await entries
            .OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id)
            .Take(take + 1)
            .Select(e => new
            {
                e.Id,
                Dto = new StatusDto(e.AgentId, e.Session!.Topic, e.Status, e.Timestamp, e.Message, e.Content),
            })
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        var next = rows.Count > take
            ? new PageCursor(rows[take - 1].Dto.Timestamp, rows[take - 1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Encode()
            : null;
        return ([.. rows.Take(take).Select(r => r.Dto)], next);
    }
}
