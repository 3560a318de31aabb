using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Notifications;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>
/// One statement: due, unclaimed (or lease-expired) rows are locked with <c>SKIP LOCKED</c>, so
/// concurrent dispatchers take disjoint sets without waiting for each other, and stamped with a new
/// claim token and lease. Routes at the dispatcher's cap are left out.
/// </summary>
internal sealed class PostgresNotificationClaims : INotificationClaims
{
    public async Task<IReadOnlyList<Notification>> ClaimDueAsync(
        KubeAgentsDbContext db, DateTimeOffset now, TimeSpan lease, int batchSize, IReadOnlyCollection<Guid> skipRoutes, CancellationToken cancellationToken) =>
        await db.Notifications.FromSql($"""
            UPDATE notifications SET claim_token = {Guid.NewGuid()}, claimed_until = {now + lease}
            WHERE id IN (
                SELECT id FROM notifications
                WHERE state = 'pending' AND next_attempt_at <= {now} AND (claimed_until IS NULL OR claimed_until < {now})
                    AND NOT (COALESCE(route_id, {Guid.Empty}) = ANY({skipRoutes.ToArray()}))
                ORDER BY next_attempt_at
                LIMIT {batchSize}
                FOR UPDATE SKIP LOCKED)
            RETURNING *
            """).ToListAsync(cancellationToken).ConfigureAwait(false);
}
