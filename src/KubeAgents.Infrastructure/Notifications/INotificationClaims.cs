using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Persistence;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// Takes due notifications for one attempt each, so that among any number of dispatchers (replicas)
/// each notification is held by one at a time. The returned entities are tracked by <paramref name="db"/>.
/// </summary>
internal interface INotificationClaims
{
    /// <param name="skipRoutes">Routes whose notifications are left unclaimed (the dispatcher's routes at their cap); <see cref="Guid.Empty"/> stands for the implicit route.</param>
    Task<IReadOnlyList<Notification>> ClaimDueAsync(
        KubeAgentsDbContext db, DateTimeOffset now, TimeSpan lease, int batchSize, IReadOnlyCollection<Guid> skipRoutes, CancellationToken cancellationToken);
}
