using KubeAgents.Infrastructure.Persistence;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace KubeAgents.Infrastructure.IntegrationTests;

public class PoolSettingsTests
{
    [SkippableFact]
    public async Task Db_variables_reach_npgsql_and_the_pool_never_exceeds_its_maximum()
    {
        var server = await PostgresServer.GetOrSkipAsync();
        var target = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync("pool"));
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres, new Dictionary<string, string?>
        {
            ["DB_HOST"] = target.Host,
            ["DB_PORT"] = target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DB_USER"] = target.Username,
            ["DB_NAME"] = target.Database,
            ["DB_MAX_OPEN_CONNS"] = "4",
            ["DB_MAX_IDLE_CONNS"] = "2",
            ["DB_CONN_MAX_LIFETIME"] = "1m30s",
        });

        var used = new NpgsqlConnectionStringBuilder(api.InDatabase(db => db.Database.GetConnectionString()));
        used.MaxPoolSize.Should().Be(4);
        used.MinPoolSize.Should().Be(2);
        used.ConnectionLifetime.Should().Be(90);
        used.SslMode.Should().Be(SslMode.Disable);

        var client = api.CreateWireClient();
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => client.ReportRawAsync(new
        {
            agent_id = $"agent-{i}",
            session_topic = "t",
            status = "running",
            timestamp = "2026-11-27T10:00:00Z",
        })));
        answers.Should().OnlyContain(a => a.Status == System.Net.HttpStatusCode.OK);

        await using var admin = new NpgsqlConnection(server.AdminConnectionString);
        await admin.OpenAsync();
        // The pool's connections; each replica also holds one LISTEN connection of its own, outside the pool.
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = @db AND application_name <> 'kubeagents-events-listener'", admin);
        command.Parameters.AddWithValue("db", target.Database!);
        ((long)(await command.ExecuteScalarAsync())!).Should().BeInRange(1, 4);
    }
}
