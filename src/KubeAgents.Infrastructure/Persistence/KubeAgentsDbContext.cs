using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Persistence.Configurations;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Persistence;

public sealed class KubeAgentsDbContext(DbContextOptions<KubeAgentsDbContext> options) : DbContext(options), IApplicationDbContext
{
    public DbSet<Agent> Agents => Set<Agent>();

    public DbSet<Session> Sessions => Set<Session>();

    public DbSet<StatusEntry> StatusEntries => Set<StatusEntry>();

    public DbSet<Notification> Notifications => Set<Notification>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasSequence<long>(SessionConfiguration.HiLoSequence).IncrementsBy(SessionConfiguration.HiLoBlockSize);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(KubeAgentsDbContext).Assembly);
    }
}
