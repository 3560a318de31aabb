using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// Turns the sessions one sweep just expired into silent sessions: those whose current status was
/// running or pending (a finished session that expires is not news). Runs in the sweep's transaction,
/// on exactly the rows its conditional UPDATE changed, so each expiry is alerted once across replicas,
/// and a revived session that goes quiet again is a new expiry, alerted again.
/// </summary>
internal sealed class SilentAlerts(KubeAgentsDbContext db)
{
    /// <summary>The silent ones among <paramref name="expired"/>, with their agent's name and last message: two queries, whatever the count.</summary>
    public async Task<IReadOnlyList<SilentSession>> DescribeAsync(IReadOnlyList<ExpiredSession> expired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expired);
        var silent = expired.Where(e => SilentSession.IsSilent(e.CurrentStatus) && e.CurrentStatusAt is not null).ToList();
        if (silent.Count == 0)
        {
            return [];
        }

        var agentIds = silent.Select(s => s.AgentId).Distinct().ToArray();
        var names = await db.Agents.AsNoTracking().Where(a => agentIds.Contains(a.AgentId))
            .Select(a => new { a.AgentId, a.Name }).ToDictionaryAsync(a => a.AgentId, a => a.Name, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);

        // The entry holding the current status: the latest arrival with the current status's timestamp.
        var sessionIds = silent.Select(s => s.SessionId).ToArray();
        var entries = await db.StatusEntries.AsNoTracking()
            .Where(e => sessionIds.Contains(e.SessionId) && e.Timestamp == db.Sessions.Where(s => s.Id == e.SessionId).Select(s => s.CurrentStatusAt).First())
            .Select(e => new { e.SessionId, e.Id, e.Message })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var messages = entries.GroupBy(e => e.SessionId).ToDictionary(g => g.Key, g => g.MaxBy(e => e.Id)!.Message);

        return [.. silent.Select(s => new SilentSession(
            s.AgentId,
            names.GetValueOrDefault(s.AgentId),
            s.Topic,
            s.CurrentStatus!.Value,
            s.CurrentStatusAt!.Value,
            messages.GetValueOrDefault(s.SessionId) is { Length: > 0 } message ? message : null,
            s.LastUpdated,
            s.ExpiredAt))];
    }
}
