using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Infrastructure.IntegrationTests;

/// <summary>
/// A migration that builds an index over a large history runs longer than a request's 30 s command
/// timeout; on PostgreSQL its statements get what is left of <c>DB_STARTUP_TIMEOUT</c> instead.
/// </summary>
public class MigrationTimeoutTests
{
    [SkippableFact]
    public async Task Migration_statements_get_the_start_up_time_left_and_requests_keep_the_default()
    {
        var commands = new SqlCommandLog();
        await using var api = await KubeAgentsApi.StartAsync(
            StoreKind.Postgres,
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:KubeAgents"] = await (await PostgresServer.GetOrSkipAsync()).CreateDatabaseAsync("migration_timeout"),
                ["DB_STARTUP_TIMEOUT"] = "10m",
            },
            s => s.AddSingleton<IInterceptor>(commands));

        var indexBuilds = commands.Entries.Where(c => c.Text.Contains("CREATE INDEX", StringComparison.Ordinal)).Select(c => c.Timeout).ToList();
        indexBuilds.Should().NotBeEmpty("a new database is migrated at start-up");
        indexBuilds.Should().OnlyContain(t => t > 500, "10 minutes, less what start-up has used so far");

        var started = commands.Count;
        await api.CreateWireClient().ReportAsync("agent", "t", "running", KubeAgentsApi.Epoch);
        (await api.InDatabaseAsync(db => db.Agents.AsNoTracking().CountAsync())).Should().Be(1);
        var after = commands.After(started);
        after.Select(c => c.Text).Should().Contain(t => t.Contains("FOR UPDATE", StringComparison.Ordinal), "the report locked its agent");
        after.Should().OnlyContain(c => c.Timeout == 30, "contexts back from the pool have a request's default again");
    }
}
