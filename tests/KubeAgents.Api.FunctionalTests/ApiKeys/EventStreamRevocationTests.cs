using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>
/// Revocation ends what the key opened: its event streams (bearer or dashboard cookie) end at once on
/// the replica that revoked it and within <c>API_KEY_CACHE_SECONDS</c> of the clock on the others; the
/// cookie stops authenticating at once. Other keys' streams go on.
/// </summary>
[Collection(KeysModeCollection.Name)]
public class EventStreamRevocationTests(KeysModeFixture keysMode)
{
    /// <summary>Far above the quiet time of an "at once" (milliseconds); the clock does not move, so only the revocation signal can end the stream.</summary>
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(10);

    [SkippableTheory]
    [BothStores]
    public async Task Revoking_a_key_ends_its_open_event_streams_at_once_on_the_replica_that_revoked_it(StoreKind store)
    {
        var service = await keysMode.GetAsync(store);
        var agent = WireClient.Unique("revocation");
        var key = await service.CreateKeyAsync("stream-reader", ApiScopeNames.Read);
        using var http = service.CreateClient(key);
        await using var stream = await EventStreamClient.ConnectAsync(http, $"/api/events?agent_id={agent}");
        await using var second = await EventStreamClient.ConnectAsync(http, "/api/events");
        using var otherHttp = service.CreateClient(service.Keys["only-read"]);
        await using var other = await EventStreamClient.ConnectAsync(otherHttp, $"/api/events?agent_id={agent}");

        using var admin = service.CreateClient(service.BootstrapKey);
        (await admin.DeleteAsync($"/api/keys/{KeysService.Prefix(key)}")).EnsureSuccessStatusCode();

        var both = Task.WhenAll(stream.Completion, second.Completion);
        (await Task.WhenAny(both, Task.Delay(AtOnce))).Should().Be(both, "every stream the revoked key opened ends at once");
        using (var again = await http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead))
        {
            again.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the browser's reconnection is refused");
        }

        using var reporter = service.CreateClient(service.Keys["only-report"]);
        await new WireClient(reporter).ReportAsync(agent, "t", "running", service.Api.Clock.GetUtcNow(), message: "still flowing");
        (await other.TakeAsync(2)).Select(e => e.Event).Should().Equal("agent_registered", "status");
        other.Completion.IsCompleted.Should().BeFalse("another key's stream goes on");
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_dashboard_cookie_of_a_revoked_key_and_its_stream_stop_at_once_on_the_replica_that_revoked_it(StoreKind store)
    {
        var service = await keysMode.GetAsync(store);
        var key = await service.CreateKeyAsync("dashboard-viewer", ApiScopeNames.Read);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = service.Api.CreateClient().BaseAddress };
        using var login = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key, ["returnUrl"] = "/" }));
        login.StatusCode.Should().Be(HttpStatusCode.Redirect);
        browser.DefaultRequestHeaders.Add("Cookie", login.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
        (await browser.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.OK, "the cookie authenticates the dashboard");
        await using var stream = await EventStreamClient.ConnectAsync(browser, "/api/events");

        using var admin = service.CreateClient(service.BootstrapKey);
        (await admin.DeleteAsync($"/api/keys/{KeysService.Prefix(key)}")).EnsureSuccessStatusCode();

        (await Task.WhenAny(stream.Completion, Task.Delay(AtOnce))).Should().Be(stream.Completion, "the page's stream ends at once");
        using var page = await browser.GetAsync("/");
        page.StatusCode.Should().Be(HttpStatusCode.Redirect, "the cookie no longer authenticates");
        page.Headers.Location!.OriginalString.Should().StartWith("/login");
        (await browser.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    /// <summary>Two replicas on one PostgreSQL database, each with its own clock: the other replica learns of the revocation from the store.</summary>
    [SkippableFact]
    public async Task A_key_revoked_on_another_replica_ends_its_streams_there_within_the_cache_time()
    {
        var service = await keysMode.GetAsync(StoreKind.Postgres);
        await using var other = await KubeAgentsApi.StartAsync(StoreKind.Postgres, new Dictionary<string, string?>
        {
            ["AUTH_MODE"] = "keys",
            ["API_KEY_CACHE_SECONDS"] = "20",
            ["ConnectionStrings:KubeAgents"] = service.Api.Services.GetRequiredService<IConfiguration>().GetConnectionString("KubeAgents"),
        });
        var key = await service.CreateKeyAsync("replicated-stream", ApiScopeNames.Read);
        using var onOther = other.CreateClient();
        onOther.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        await using var stream = await EventStreamClient.ConnectAsync(onOther, "/api/events");
        using var stays = other.CreateClient();
        stays.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", service.Keys["only-read"]);
        await using var unaffected = await EventStreamClient.ConnectAsync(stays, "/api/events");

        using var admin = service.CreateClient(service.BootstrapKey);
        (await admin.DeleteAsync($"/api/keys/{KeysService.Prefix(key)}")).EnsureSuccessStatusCode();

        other.Clock.Advance(TimeSpan.FromSeconds(19));
        (await Task.WhenAny(stream.Completion, Task.Delay(TimeSpan.FromMilliseconds(500)))).Should().NotBe(stream.Completion, "the other replica trusts what it read for API_KEY_CACHE_SECONDS");
        other.Clock.Advance(TimeSpan.FromSeconds(1));
        (await Task.WhenAny(stream.Completion, Task.Delay(AtOnce))).Should().Be(stream.Completion, "within API_KEY_CACHE_SECONDS of the revocation, the stream ends there too");
        unaffected.Completion.IsCompleted.Should().BeFalse("a valid key's stream is re-checked and goes on");
        (await onOther.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    /// <summary>
    /// Two service processes on one PostgreSQL database, with a one-second key cache: a stream on the
    /// revoking process ends at once, one on the other process within about a second (real time: a
    /// separate process has no test clock). The bound allows far more than the quiet time.
    /// </summary>
    [SkippableFact]
    public async Task Across_two_processes_a_revocation_ends_the_key_s_streams_on_both()
    {
        var server = await PostgresServer.GetOrSkipAsync();
        var bootstrap = ApiKeySecret.Generate();
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__KubeAgents"] = await server.CreateDatabaseAsync("events_revocation"),
            ["AUTH_MODE"] = "keys",
            ["BOOTSTRAP_ADMIN_KEY"] = bootstrap,
            ["API_KEY_CACHE_SECONDS"] = "1",
        };
        await using var revoking = ServiceProcess.Start(environment);
        await revoking.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        await using var other = ServiceProcess.Start(environment);
        await other.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));

        using var admin = revoking.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bootstrap);
        using var created = await admin.PostAsJsonAsync("/api/keys", new { name = "two-processes", scopes = new[] { ApiScopeNames.Read } });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        using var onRevoking = revoking.CreateClient();
        onRevoking.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var onOther = other.CreateClient();
        onOther.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        await using var here = await EventStreamClient.ConnectAsync(onRevoking, "/api/events");
        await using var there = await EventStreamClient.ConnectAsync(onOther, "/api/events");

        (await admin.DeleteAsync($"/api/keys/{KeysService.Prefix(key)}")).EnsureSuccessStatusCode();

        (await Task.WhenAny(here.Completion, Task.Delay(AtOnce))).Should().Be(here.Completion, "the revoking process ends the stream at once");
        (await Task.WhenAny(there.Completion, Task.Delay(AtOnce))).Should().Be(there.Completion, "the other process re-checks the key every API_KEY_CACHE_SECONDS");
        using var refused = await onOther.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
