using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Notifications;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The embedded store belongs to one process, whose dispatchers take turns here; the claim itself is
/// one transaction (due rows read and stamped), so a claim is never half made.
/// </summary>
internal sealed class SqliteNotificationClaims : INotificationClaims, IDisposable
{
    private readonly SemaphoreSlim _claiming = new(1, 1);

    public async Task<IReadOnlyList<Notification>> ClaimDueAsync(
        KubeAgentsDbContext db, DateTimeOffset now, TimeSpan lease, int batchSize, CancellationToken cancellationToken)
    {
        await _claiming.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // BEGIN IMMEDIATE: no result is saved between reading the due rows and stamping them.
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var _ = transaction.ConfigureAwait(false);
            var due = await db.Notifications
                .Where(Notification.DueAt(now))
                .OrderBy(n => n.NextAttemptAt)
                .Take(batchSize)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var token = Guid.NewGuid();
            foreach (var notification in due)
            {
                notification.Claim(token, now + lease);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return due;
        }
        finally
        {
            _claiming.Release();
        }
    }

    public void Dispose() => _claiming.Dispose();
}
