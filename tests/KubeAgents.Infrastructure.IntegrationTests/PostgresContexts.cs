using KubeAgents.Infrastructure.Persistence;
using KubeAgents.Infrastructure.Persistence.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace KubeAgents.Infrastructure.IntegrationTests;

/// <summary>PostgreSQL contexts of a test's own, outside any service: no pool, no interceptors.</summary>
internal static class PostgresContexts
{
    public static PostgresDbContext Open(string connectionString) =>
        new(new DbContextOptionsBuilder<PostgresDbContext>().UseNpgsql(connectionString).Options);

    /// <summary>
    /// Migrates the database as the release before this one left it: every migration but the last,
    /// whose id it returns (the one a start-up of this build finds pending).
    /// </summary>
    public static async Task<string> MigrateAllButTheLastAsync(string connectionString)
    {
        var ids = MigrationIds.Of<PostgresDbContext>().Order(StringComparer.Ordinal).ToList();
        await using var previous = Open(connectionString);
        await previous.GetService<IMigrator>().MigrateAsync(ids[^2]);
        return ids[^1];
    }
}
