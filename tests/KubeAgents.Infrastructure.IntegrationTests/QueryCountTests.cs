using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Infrastructure.IntegrationTests;

/// <summary>Every read runs the same number of SQL statements at 1 agent as at 200: nothing runs per row.</summary>
public class QueryCountTests
{
    [SkippableFact]
    public async Task Every_read_endpoint_runs_a_constant_number_of_statements()
    {
        var counter = new SqlCommandCounter();
        // Keys mode: /api/notifications is an admin endpoint, and open mode administers nothing.
        await using var api = await KubeAgentsApi.StartWithKeyAsync(StoreKind.Postgres, configureServices: s => s.AddSingleton<IInterceptor>(counter));
        var client = api.CreateWireClient();
        await ReportAsync(client, agents: 1);
        var small = await CountAsync(client, counter);

        await ReportAsync(client, agents: 200);
        var large = await CountAsync(client, counter);

        large.Should().Equal(small);
        small.Should().OnlyContain(kv => kv.Value <= 2, "one query per read, plus an existence check where 404 is possible");
    }

    private static async Task ReportAsync(WireClient client, int agents)
    {
        for (var a = 0; a < agents; a++)
        {
            for (var s = 0; s < 3; s++)
            {
                await client.ReportAsync($"agent-{a}", $"session-{s}", "running", KubeAgentsApi.Epoch.AddSeconds(a));
                await client.ReportAsync($"agent-{a}", $"session-{s}", "success", KubeAgentsApi.Epoch.AddSeconds(a + 1), message: "m");
            }
        }
    }

    private static async Task<Dictionary<string, int>> CountAsync(WireClient client, SqlCommandCounter counter)
    {
        var counts = new Dictionary<string, int>();
        foreach (var path in new[]
        {
            "/api/agents", "/api/agents?status=success&search=agent", "/api/agents/agent-0", "/api/agents/agent-0/sessions",
            "/api/agents/agent-0/sessions/session-0", "/api/agents/agent-0/status", "/api/agents/agent-0/history", "/api/notifications",
        })
        {
            counter.Reset();
            await client.GetAsync(path);
            counts[path] = counter.Count;
        }

        return counts;
    }
}
