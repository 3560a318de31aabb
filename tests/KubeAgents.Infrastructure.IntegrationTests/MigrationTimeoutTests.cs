using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Infrastructure.IntegrationTests;

/// <summary>
/// A migration that builds an index over a large history runs longer than a request's 30 s command
/// timeout; on PostgreSQL its statements get what is left of <c>DB_STARTUP_TIMEOUT</c> instead. EF
/// migrates only a database with a pending migration: a new one gets the schema script, an up-to-date
/// one is left alone, both over a plain connection (<see cref="PostgresMigrator"/>).
/// </summary>
public class MigrationTimeoutTests
{
    [SkippableFact]
    public async Task Pending_migration_statements_get_the_start_up_time_left_and_requests_keep_the_default()
    {
        var server = await PostgresServer.GetOrSkipAsync();
        var connectionString = await server.CreateDatabaseAsync("migration_timeout");
        // The release before this one: every migration but the last, which builds two indexes.
        var last = await PostgresContexts.MigrateAllButTheLastAsync(connectionString);

        var commands = new SqlCommandLog();
        await using var api = await KubeAgentsApi.StartAsync(
            StoreKind.Postgres,
            new Dictionary<string, string?> { ["ConnectionStrings:KubeAgents"] = connectionString, ["DB_STARTUP_TIMEOUT"] = "10m" },
            s => s.AddSingleton<IInterceptor>(commands));

        var indexBuilds = commands.Entries.Where(c => c.Text.Contains("CREATE INDEX", StringComparison.Ordinal)).Select(c => c.Timeout).ToList();
        indexBuilds.Should().NotBeEmpty("the pending migration is applied at start-up, through EF");
        indexBuilds.Should().OnlyContain(t => t > 500, "10 minutes, less what start-up has used so far");
        commands.Entries.Should().Contain(c => c.Text.Contains(last, StringComparison.Ordinal), "EF records the migration it applied");

        var started = commands.Count;
        await api.CreateWireClient().ReportAsync("agent", "t", "running", KubeAgentsApi.Epoch);
        (await api.InDatabaseAsync(db => db.Agents.AsNoTracking().CountAsync())).Should().Be(1);
        var after = commands.After(started);
        after.Select(c => c.Text).Should().Contain(t => t.Contains("FOR UPDATE", StringComparison.Ordinal), "the report locked its agent");
        after.Should().OnlyContain(c => c.Timeout == 30, "contexts back from the pool have a request's default again");
    }

    [SkippableFact]
    public async Task A_database_with_every_migration_applied_is_not_migrated_again()
    {
        var server = await PostgresServer.GetOrSkipAsync();
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:KubeAgents"] = await server.CreateDatabaseAsync("migration_none") };
        await using (var first = await KubeAgentsApi.StartAsync(StoreKind.Postgres, settings))
        {
            await first.CreateWireClient().ReportAsync("agent", "t", "running", KubeAgentsApi.Epoch);
        }

        var commands = new SqlCommandLog();
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres, settings, s => s.AddSingleton<IInterceptor>(commands));

        commands.Entries.Should().NotContain(c => c.Text.Contains("__EFMigrations", StringComparison.Ordinal), "EF's Migrate did not run: nothing was pending");
        (await api.InDatabaseAsync(db => db.Agents.AsNoTracking().CountAsync())).Should().Be(1, "the first start's data is served");
        (await api.InDatabaseAsync(db => db.Database.GetPendingMigrationsAsync())).Should().BeEmpty();
    }
}
