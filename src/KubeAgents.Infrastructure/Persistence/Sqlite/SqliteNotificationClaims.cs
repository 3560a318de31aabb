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
        KubeAgentsDbContext db, DateTimeOffset now, TimeSpan lease, int batchSize, IReadOnlyCollection<Guid> skipRoutes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skipRoutes);
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var _ = transaction.ConfigureAwait(false);
        var query = db.Notifications.Where(Notification.DueAt(now));
        if (skipRoutes.Count > 0)
        {
            query = query.Where(n => !skipRoutes.Contains(n.RouteId ?? Guid.Empty));
        }

        var due = await query
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
