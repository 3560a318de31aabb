using System.Net;
using System.Text;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>
/// Keys are made only by someone who already holds one: open mode administers nothing (not even
/// from a page on another site, with CORS *), keys mode says at start-up how many keys can get in,
/// and <c>BOOTSTRAP_ADMIN_KEY</c> is one key that a new value replaces.
/// </summary>
public class KeyMintingTests
{
    [SkippableTheory]
    [BothStores]
    public async Task In_open_mode_nobody_makes_a_key_not_even_a_cross_site_page(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        using var http = api.CreateClient();

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/keys");
        preflight.Headers.Add("Origin", "https://hostile.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var preflightAnswer = await http.SendAsync(preflight);
        using var mint = new HttpRequestMessage(HttpMethod.Post, "/api/keys")
        {
            Content = new StringContent("""{"name":"anon","scopes":["admin","read","report"]}""", Encoding.UTF8, "application/json"),
        };
        mint.Headers.Add("Origin", "https://hostile.example");
        using var minted = await http.SendAsync(mint);
        using var listed = await http.GetAsync("/api/keys");

        preflightAnswer.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal(["*"], "CORS * lets the page send; what it sends is refused");
        foreach (var answer in new[] { minted, listed })
        {
            answer.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            var (error, message) = ApiKeyMatrixTests.Error(await answer.Content.ReadAsStringAsync());
            error.Should().Be("forbidden");
            message.Should().Contain("AUTH_MODE=keys");
        }

        (await api.InDatabaseAsync(db => db.ApiKeys.CountAsync())).Should().Be(0, "no key was made");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Keys_mode_says_how_many_keys_are_active_and_with_none_names_both_ways_in(StoreKind store)
    {
        var empty = new LogCollector();
        await using (await KubeAgentsApi.StartAsync(store, new Dictionary<string, string?> { ["AUTH_MODE"] = "keys" }, s => s.AddSingleton<ILoggerProvider>(empty)))
        {
        }

        var bootstrapped = new LogCollector();
        await using (await KubeAgentsApi.StartAsync(
            store,
            new Dictionary<string, string?> { ["AUTH_MODE"] = "keys", ["BOOTSTRAP_ADMIN_KEY"] = ApiKeySecret.Generate() },
            s => s.AddSingleton<ILoggerProvider>(bootstrapped)))
        {
        }

        var warning = empty.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning && e.Message.Contains("no active API key", StringComparison.Ordinal)).Which.Message;
        warning.Should().Contain("BOOTSTRAP_ADMIN_KEY").And.Contain("dotnet run --project src/KubeAgents.Api -- keys create --name admin --scope admin")
            .And.Contain("dotnet run --project src/KubeAgents.Api -- keys generate");
        empty.Entries.Should().Contain(e => e.Level == LogLevel.Information && e.Message.Contains("AUTH_MODE=keys: 0 active API keys", StringComparison.Ordinal));
        bootstrapped.Entries.Should().Contain(e => e.Message.Contains("AUTH_MODE=keys: 1 active API keys, 1 with the admin scope", StringComparison.Ordinal));
        bootstrapped.Entries.Should().NotContain(e => e.Message.Contains("no active API key", StringComparison.Ordinal));
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_changed_bootstrap_key_revokes_the_previous_one_and_says_so_in_one_line(StoreKind store)
    {
        using var database = await PersistentStore.CreateAsync(store);
        var (first, second) = (ApiKeySecret.Generate(), ApiKeySecret.Generate());
        await using (var api = await KubeAgentsApi.StartAsync(store, database.With(("AUTH_MODE", "keys"), ("BOOTSTRAP_ADMIN_KEY", first))))
        {
            using var http = api.CreateClient();
            http.DefaultRequestHeaders.Authorization = new("Bearer", first);
            (await http.GetAsync("/api/keys")).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var logs = new LogCollector();
        await using (var api = await KubeAgentsApi.StartAsync(
            store, database.With(("AUTH_MODE", "keys"), ("BOOTSTRAP_ADMIN_KEY", second)), s => s.AddSingleton<ILoggerProvider>(logs)))
        {
            using var old = api.CreateClient();
            old.DefaultRequestHeaders.Authorization = new("Bearer", first);
            using var current = api.CreateClient();
            current.DefaultRequestHeaders.Authorization = new("Bearer", second);

            (await old.GetAsync("/api/keys")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the previous bootstrap key is revoked");
            (await current.GetAsync("/api/keys")).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        logs.Entries.Where(e => e.Message.Contains("revoked the previous bootstrap key", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Message.Should().Contain("BOOTSTRAP_ADMIN_KEY").And.Contain(KeysService.Prefix(first)).And.Contain(KeysService.Prefix(second));
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_bootstrap_key_whose_prefix_another_key_has_stops_start_up_with_2_naming_the_setting(StoreKind store)
    {
        using var database = await PersistentStore.CreateAsync(store);
        var created = await ServiceProcess.RunCommandAsync(database.Environment, "keys", "create", "--name", "ops", "--scope", "admin");
        created.ExitCode.Should().Be(0, created.ToString());
        var stored = created.Output.Trim();
        var clash = stored[..12] + ApiKeySecret.Generate()[12..];

        await using var service = ServiceProcess.Start(new Dictionary<string, string?>(database.Environment)
        {
            ["AUTH_MODE"] = "keys",
            ["BOOTSTRAP_ADMIN_KEY"] = clash,
        });

        (await service.WaitForExitAsync(ServiceProcess.MinimumStartUpWait)).Should().BeTrue(service.Output);
        service.ExitCode.Should().Be(2, service.Output);
        service.Output.Should().Contain("Invalid configuration: BOOTSTRAP_ADMIN_KEY has the prefix").And.Contain(KeysService.Prefix(stored))
            .And.NotContain(clash[12..]).And.NotContain(stored[12..]);
    }

    [Fact]
    public async Task A_bootstrap_key_with_too_little_entropy_stops_start_up_with_2_pointing_to_keys_generate()
    {
        var weak = "ka_aaaaaaaa_" + new string('A', 43);
        await using var service = ServiceProcess.Start(new Dictionary<string, string?> { ["AUTH_MODE"] = "keys", ["BOOTSTRAP_ADMIN_KEY"] = weak });

        (await service.WaitForExitAsync(ServiceProcess.MinimumStartUpWait)).Should().BeTrue(service.Output);
        service.ExitCode.Should().Be(2, service.Output);
        service.Output.Should().Contain("Invalid configuration: BOOTSTRAP_ADMIN_KEY has too little entropy")
            .And.Contain("dotnet run --project src/KubeAgents.Api -- keys generate").And.NotContain(weak);
    }
}
