using KubeAgents.Infrastructure.Persistence.Postgres;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Infrastructure.IntegrationTests;

/// <summary>
/// New sessions' ids come from a hi/lo sequence on PostgreSQL, a block of
/// <see cref="PostgresDbContext.HiLoBlockSize"/> per round trip. Fetched synchronously, a block held a
/// pool thread on the socket and every other batch on the generator's lock: with 2 cores the pool
/// starved, and the whole service stood still for 1-2 s (docs/benchmarks.md).
/// </summary>
public class SessionIdBlockTests
{
    [SkippableFact]
    public async Task The_write_pipeline_runs_no_database_command_synchronously_new_id_blocks_included()
    {
        var commands = new SqlCommandLog();
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres, null, s => s.AddSingleton<IInterceptor>(commands));
        var client = api.CreateWireClient();
        commands.Clear();

        for (var i = 0; i < PostgresDbContext.HiLoBlockSize + 5; i++)
        {
            await client.ReportAsync("agent", $"task-{i}", "running", KubeAgentsApi.Epoch.AddSeconds(i));
        }

        commands.Entries.Where(c => !c.Synchronous).Select(c => c.Text)
            .Should().Contain(t => t.Contains(PostgresDbContext.HiLoSequence, StringComparison.Ordinal), "more sessions than a block took a new block");
        commands.Entries.Where(c => c.Synchronous).Select(c => c.Text)
            .Should().BeEmpty("a synchronous command blocks a pool thread for a round trip");
    }
}
