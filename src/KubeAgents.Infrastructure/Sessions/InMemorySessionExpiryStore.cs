using KubeAgents.Infrastructure.Persistence;
using KubeAgents.Infrastructure.Persistence.Stores;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Sessions;

/// <summary>
/// The in-memory store has no set-based update; each due session is re-read and marked under its
/// agent's lock, so a report reviving it at the same moment is never overwritten.
/// </summary>
internal sealed class InMemorySessionExpiryStore(KubeAgentsDbContext db, KeyedLock agentLocks) : ISessionExpiryStore
{
    public async Task<int> ExpireDueSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = await db.Sessions.AsNoTracking()
            .Where(s => !s.Expired && s.ExpiresAt < now)
            .Select(s => new { s.Id, s.AgentId })
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        var marked = 0;
        foreach (var candidate in due)
        {
            using var hold = await agentLocks.AcquireAsync(candidate.AgentId, cancellationToken).ConfigureAwait(false);
            var session = await db.Sessions.SingleOrDefaultAsync(s => s.Id == candidate.Id, cancellationToken).ConfigureAwait(false);
            if (session is not null && session.MarkExpired(now))
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                marked++;
            }

            db.ChangeTracker.Clear();
        }

        return marked;
    }
}
