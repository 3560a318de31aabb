using System.Net;
using System.Text;
using KubeAgents.Api.Authentication;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>
/// Keys mode against a hostile client: made-up keys buy no queries past the client's rate limit and
/// none at all on the probes, and the dashboard's cookie never carries a write.
/// </summary>
public class KeyAbuseTests
{
    [SkippableTheory]
    [BothStores]
    public async Task Made_up_keys_cost_no_query_on_the_probes_nor_past_the_clients_limit(StoreKind store)
    {
        var queries = new SqlCommandCounter();
        await using var api = await KubeAgentsApi.StartAsync(
            store,
            new Dictionary<string, string?> { ["AUTH_MODE"] = "keys", ["BOOTSTRAP_ADMIN_KEY"] = ApiKeySecret.Generate(), ["RATE_LIMIT_PER_MINUTE"] = "5" },
            services => services.AddSingleton<IInterceptor>(queries));
        using var http = api.CreateClient();

        queries.Reset();
        for (var i = 0; i < 20; i++)
        {
            using var probe = new HttpRequestMessage(HttpMethod.Get, "/health");
            probe.Headers.Authorization = new("Bearer", ApiKeySecret.Generate());
            (await http.SendAsync(probe)).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        queries.Count.Should().Be(0, "a probe needs no key, so a key sent to it is not looked up");

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/agents");
            request.Headers.Authorization = new("Bearer", ApiKeySecret.Generate());
            answers.Add((await http.SendAsync(request)).StatusCode);
        }

        answers.Take(5).Should().AllBeEquivalentTo(HttpStatusCode.Unauthorized);
        answers.Skip(5).Should().AllBeEquivalentTo(HttpStatusCode.TooManyRequests, "the address used its 5 requests");
        queries.Count.Should().Be(5, "one lookup per made-up key within the limit, none past it");
    }

    [SkippableTheory]
    [BothStores]
    public async Task The_dashboard_cookie_reads_but_never_writes(StoreKind store)
    {
        var admin = ApiKeySecret.Generate();
        await using var api = await KubeAgentsApi.StartAsync(store, new Dictionary<string, string?> { ["AUTH_MODE"] = "keys", ["BOOTSTRAP_ADMIN_KEY"] = admin });
        using var http = api.CreateClient();
        http.DefaultRequestHeaders.Add("Cookie", $"{ApiKeyDefaults.CookieName}={admin}");

        (await http.GetAsync("/api/keys")).StatusCode.Should().Be(HttpStatusCode.OK, "a GET may authenticate by the cookie");

        // What a form on another site can send without a preflight: text/plain, the cookie attached.
        using var forged = await http.PostAsync("/api/keys", new StringContent("""{"name":"forged","scopes":["admin"]}""", Encoding.UTF8, "text/plain"));
        forged.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a write never authenticates by the cookie");
        using var report = await http.PostAsync("/webhook/status", new StringContent(
            """{"agent_id":"forged","session_topic":"t","status":"running","timestamp":"2026-11-27T10:00:00Z"}""", Encoding.UTF8, "text/plain"));
        report.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
