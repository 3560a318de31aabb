using System.Net;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>
/// <c>dotnet KubeAgents.Api.dll keys ...</c> against the configured store with no server running: a key
/// it creates works over HTTP; list and revoke suit scripts. On PostgreSQL and on a <c>DB_FILE</c>.
/// </summary>
public class KeysCommandTests
{
    [SkippableTheory]
    [BothStores]
    public async Task A_key_made_by_the_command_works_over_HTTP_until_the_command_revokes_it(StoreKind store)
    {
        using var directory = new TemporaryDirectory("kubeagents-keys-");
        var environment = new Dictionary<string, string?>();
        var settings = new Dictionary<string, string?> { ["AUTH_MODE"] = "keys" };
        if (store == StoreKind.Postgres)
        {
            var server = await PostgresServer.GetOrSkipAsync();
            var connectionString = await server.CreateDatabaseAsync("keys_cli");
            environment["ConnectionStrings__KubeAgents"] = connectionString;
            settings["ConnectionStrings:KubeAgents"] = connectionString;
        }
        else
        {
            var file = Path.Combine(directory.Path, "kubeagents.db");
            environment["DB_FILE"] = file;
            settings["DB_FILE"] = file;
        }

        var created = await ServiceProcess.RunCommandAsync(environment, "keys", "create", "--name", "ci-bot", "--scope", "report");
        created.ExitCode.Should().Be(0, created.ToString());
        var key = created.Output.Trim();
        key.Should().MatchRegex("^ka_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$", "stdout is the key alone, for $(...)");
        created.Errors.Should().Contain("ci-bot").And.NotContain(key);
        var prefix = key[3..11];

        var listed = await ServiceProcess.RunCommandAsync(environment, "keys", "list");
        listed.ExitCode.Should().Be(0, listed.ToString());
        listed.Output.Should().StartWith($"{prefix}\tci-bot\treport\t").And.NotContain(key[12..]);

        await using (var api = await KubeAgentsApi.StartAsync(store, settings))
        {
            var client = api.CreateWireClient();
            client.Http.DefaultRequestHeaders.Authorization = new("Bearer", key);
            await client.ReportAsync("cli-agent", "t", "running", api.Clock.GetUtcNow());
            (await client.Http.GetAsync("/api/agents")).StatusCode.Should().Be(HttpStatusCode.Forbidden, "a report key cannot read");

            var revoked = await ServiceProcess.RunCommandAsync(environment, "keys", "revoke", prefix);
            revoked.ExitCode.Should().Be(0, revoked.ToString());
            revoked.Output.Should().StartWith($"{prefix}\tci-bot\treport\t").And.NotEndWith("-\n");

            api.Clock.Advance(TimeSpan.FromSeconds(30));
            var after = await client.ReportRawAsync(new { agent_id = "cli-agent", session_topic = "t", status = "running", timestamp = "2026-11-27T10:00:00Z" });
            after.Status.Should().Be(HttpStatusCode.Unauthorized, "a revocation made elsewhere is seen within the 30 s cache");
        }

        var unknown = await ServiceProcess.RunCommandAsync(environment, "keys", "revoke", "zzzzzzzz");
        unknown.ExitCode.Should().Be(1, unknown.ToString());
    }

    [Fact]
    public async Task Without_a_store_to_manage_or_with_bad_usage_the_command_exits_2()
    {
        var inMemory = await ServiceProcess.RunCommandAsync(new Dictionary<string, string?>(), "keys", "list");
        var usage = await ServiceProcess.RunCommandAsync(new Dictionary<string, string?>(), "keys", "create", "--name");
        var generated = await ServiceProcess.RunCommandAsync(new Dictionary<string, string?>(), "keys", "generate");

        inMemory.ExitCode.Should().Be(2, inMemory.ToString());
        inMemory.Errors.Should().Contain("Invalid configuration").And.Contain("DB_NAME").And.Contain("DB_FILE");
        usage.ExitCode.Should().Be(2, usage.ToString());
        usage.Errors.Should().Contain("usage:");
        generated.ExitCode.Should().Be(0);
        generated.Output.Trim().Should().MatchRegex("^ka_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$");
    }
}
