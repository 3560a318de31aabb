using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>
/// For <c>dotnet ef</c> only: migrations are PostgreSQL's (the in-memory store is created from the
/// model), so the tools always see the Npgsql provider. No connection is opened to add a migration.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<KubeAgentsDbContext>
{
    public KubeAgentsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<KubeAgentsDbContext>()
            .UseNpgsql(Environment.GetEnvironmentVariable("KUBEAGENTS_DESIGN_CONNECTION") ?? "Host=localhost;Database=kubeagents")
            .Options);
}
