using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Notifications;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// One transaction: due rows are read and stamped under SQLite's write lock (<c>BEGIN IMMEDIATE</c>),
/// so claimers take turns and no result is saved between the read and the stamp.
/// </summary>
internal sealed class SqliteNotificationClaims : INotificationClaims
{
    public async Task<IReadOnlyList<Notification>> ClaimDueAsync(
        KubeAgentsDbContext db, DateTimeOffset now, TimeSpan lease, int batchSize, CancellationToken cancellationToken)
    {
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
}
