using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Persistence.Configurations;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>
/// The one model both stores share: tables, keys, unique indexes, check rules. Each store derives its
/// own context (<c>Persistence/Postgres</c>, <c>Persistence/Sqlite</c>) for what only it has — the SQL
/// spelling of a check, how ids and instants are stored — and owns its own migrations.
/// </summary>
public abstract class KubeAgentsDbContext(DbContextOptions options) : DbContext(options), IApplicationDbContext
{
    public DbSet<Agent> Agents => Set<Agent>();

    public DbSet<Session> Sessions => Set<Session>();

    public DbSet<StatusEntry> StatusEntries => Set<StatusEntry>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    /// <summary>The store's SQL function for a string's length in characters, used by check constraints.</summary>
    internal abstract string LengthFunction { get; }

    /// <summary>
    /// Loads (tracked) the existing agents among <paramref name="sortedAgentIds"/> and holds them for
    /// this transaction, so no other writer changes them or their sessions until it ends.
    /// </summary>
    internal abstract Task<List<Agent>> LockAgentsAsync(string[] sortedAgentIds, CancellationToken cancellationToken);

    /// <summary>
    /// Saves what a batch of reports changed, inside the writer's transaction. By default one
    /// <c>SaveChanges</c>; a store may write the same rows its own faster way.
    /// </summary>
    internal virtual Task SaveReportBatchAsync(CancellationToken cancellationToken) => SaveChangesAsync(cancellationToken);

    /// <summary>True when the failure came from another transaction of the same rows (a replica): retrying succeeds.</summary>
    internal virtual bool IsWriteConflict(Exception exception) => false;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new AgentConfiguration(LengthFunction));
        modelBuilder.ApplyConfiguration(new SessionConfiguration(LengthFunction));
        modelBuilder.ApplyConfiguration(new StatusEntryConfiguration());
        modelBuilder.ApplyConfiguration(new NotificationConfiguration());
        modelBuilder.ApplyConfiguration(new ApiKeyConfiguration(LengthFunction));
    }
}
