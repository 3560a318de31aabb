using System.Net;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>RATE_LIMIT_PER_MINUTE: per key in keys mode, per client address in open mode; 429 with an honest Retry-After.</summary>
public class RateLimitTests
{
    [SkippableTheory]
    [BothStores]
    public async Task Past_the_limit_a_client_gets_429_until_the_minute_that_Retry_After_names_has_passed(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store, new Dictionary<string, string?> { ["RATE_LIMIT_PER_MINUTE"] = "3" });
        using var http = api.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            (await http.GetAsync("/api/agents")).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        api.Clock.Advance(TimeSpan.FromSeconds(20.5));
        using var refused = await http.GetAsync("/api/agents");

        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        ApiKeyMatrixTests.Error(await refused.Content.ReadAsStringAsync()).Error.Should().Be("rate_limited");
        var retryAfter = refused.Headers.RetryAfter!.Delta!.Value;
        retryAfter.Should().Be(TimeSpan.FromSeconds(40), "the window opened 20.5 s ago: 39.5 s remain, rounded up");
        (await http.GetAsync("/health")).StatusCode.Should().Be(HttpStatusCode.OK, "the probes are never limited");

        api.Clock.Advance(retryAfter - TimeSpan.FromSeconds(1));
        (await http.GetAsync("/api/agents")).StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "a second before Retry-After ends is too early");
        api.Clock.Advance(TimeSpan.FromSeconds(1));
        (await http.GetAsync("/api/agents")).StatusCode.Should().Be(HttpStatusCode.OK, "Retry-After seconds later the client may send again");
    }

    [SkippableTheory]
    [BothStores]
    public async Task In_keys_mode_each_key_has_its_own_limit(StoreKind store)
    {
        var bootstrap = KubeAgents.Domain.ApiKeys.ApiKeySecret.Generate();
        await using var api = await KubeAgentsApi.StartAsync(store, new Dictionary<string, string?>
        {
            ["RATE_LIMIT_PER_MINUTE"] = "2",
            ["AUTH_MODE"] = "keys",
            ["BOOTSTRAP_ADMIN_KEY"] = bootstrap,
        });
        using var first = api.CreateClient();
        first.DefaultRequestHeaders.Authorization = new("Bearer", bootstrap);
        using var second = api.CreateClient();

        // A key's first request on a replica, before it is verified, counts on its address's unverified budget.
        (await first.GetAsync("/api/keys")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await first.GetAsync("/api/keys")).StatusCode.Should().Be(HttpStatusCode.OK);
        using var created = await first.PostAsync("/api/keys", new StringContent("""{"name":"second","scopes":["admin"]}""", System.Text.Encoding.UTF8, "application/json"));
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        second.DefaultRequestHeaders.Authorization = new("Bearer", System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString());

        (await first.GetAsync("/api/keys")).StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await second.GetAsync("/api/keys")).StatusCode.Should().Be(HttpStatusCode.OK, "another key counts apart (this first one as unverified)");
        (await second.GetAsync("/api/keys")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await second.GetAsync("/api/keys")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await second.GetAsync("/api/keys")).StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "each key has its own 2 once verified");
    }
}
