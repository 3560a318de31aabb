using KubeAgents.Domain.Agents;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Common.Interfaces;

/// <summary>The sets the handlers query. Reports are written through <see cref="IReportWriter"/>.</summary>
public interface IApplicationDbContext
{
    DbSet<Agent> Agents { get; }

    DbSet<Session> Sessions { get; }

    DbSet<StatusEntry> StatusEntries { get; }

    DbSet<Notification> Notifications { get; }

    DbSet<ApiKey> ApiKeys { get; }

    DbSet<NotificationRoute> NotificationRoutes { get; }

    /// <summary>Saves what a command changed (API keys, routes: reports are written by <see cref="IReportWriter"/>).</summary>
    Task<int> SaveChangesAsync(CancellationToken cancellationToken = default);
}
