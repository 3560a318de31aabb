using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>For <c>dotnet ef --context PostgresDbContext</c> only. No connection is opened to add a migration.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresDbContext>
{
    public PostgresDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresDbContext>()
            .UseNpgsql(Environment.GetEnvironmentVariable("KUBEAGENTS_DESIGN_CONNECTION") ?? "Host=localhost;Database=kubeagents")
            .Options);
}
