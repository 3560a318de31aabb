using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>The in-memory store lives in one process: a lock around claiming is all it takes.</summary>
internal sealed class InMemoryNotificationClaims : INotificationClaims, IDisposable
{
    private readonly SemaphoreSlim _claiming = new(1, 1);

    public async Task<IReadOnlyList<Notification>> ClaimDueAsync(
        KubeAgentsDbContext db, DateTimeOffset now, TimeSpan lease, int batchSize, CancellationToken cancellationToken)
    {
        await _claiming.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var due = await db.Notifications
                .Where(n => n.State == NotificationState.Pending && n.NextAttemptAt <= now && (n.ClaimedUntil == null || n.ClaimedUntil < now))
                .OrderBy(n => n.NextAttemptAt)
                .Take(batchSize)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var token = Guid.NewGuid();
            foreach (var notification in due)
            {
                notification.Claim(token, now + lease);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return due;
        }
        finally
        {
            _claiming.Release();
        }
    }

    public void Dispose() => _claiming.Dispose();
}
