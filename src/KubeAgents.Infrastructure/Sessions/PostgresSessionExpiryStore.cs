using KubeAgents.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Sessions;

/// <summary>
/// One set-based UPDATE. Its <c>NOT expired AND expires_at &lt; now</c> condition is re-checked on rows a
/// concurrent report holds, so a session revived meanwhile is left alone, and with several replicas
/// each row is flipped by exactly one of them.
/// </summary>
internal sealed class PostgresSessionExpiryStore(KubeAgentsDbContext db) : ISessionExpiryStore
{
    public Task<int> ExpireDueSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Sessions
            .Where(s => !s.Expired && s.ExpiresAt < now)
            .ExecuteUpdateAsync(
                set => set.SetProperty(s => s.Expired, true).SetProperty(s => s.ExpiredAt, s => s.ExpiresAt),
                cancellationToken);
}
