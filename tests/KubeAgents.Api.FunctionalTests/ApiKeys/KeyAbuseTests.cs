using System.Net;
using System.Text;
using KubeAgents.Api.Authentication;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>
/// Keys mode against a hostile client: made-up keys buy no queries past the client's rate limit and
/// none at all on the probes, and the dashboard's cookie never carries a write.
/// </summary>
public class KeyAbuseTests
{
    [SkippableTheory]
    [BothStores]
    public async Task Made_up_keys_cost_one_lookup_each_within_the_addresss_budget_and_none_past_it(StoreKind store)
    {
        // Key lookups only: a background service's first untagged query once fell in the window (PostgreSQL, loaded run).
        var queries = SqlCommandCounter.KeyLookups();
        await using var api = await KubeAgentsApi.StartAsync(
            store,
            new Dictionary<string, string?> { ["AUTH_MODE"] = "keys", ["BOOTSTRAP_ADMIN_KEY"] = ApiKeySecret.Generate(), ["RATE_LIMIT_PER_MINUTE"] = "5" },
            services => services.AddSingleton<IInterceptor>(queries));
        using var http = api.CreateClient();

        queries.Reset();
        for (var i = 0; i < 20; i++)
        {
            (await http.GetAsync("/health")).StatusCode.Should().Be(HttpStatusCode.OK, "a probe that sends no key is never limited");
        }

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/agents");
            request.Headers.Authorization = new("Bearer", ApiKeySecret.Generate());
            answers.Add((await http.SendAsync(request)).StatusCode);
        }

        answers.Take(5).Should().AllBeEquivalentTo(HttpStatusCode.Unauthorized);
        answers.Skip(5).Should().AllBeEquivalentTo(HttpStatusCode.TooManyRequests, "the address used its 5 requests");
        queries.Count.Should().Be(5, "one lookup per made-up key within the limit, none past it, none for a probe");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Made_up_keys_in_the_login_form_buy_no_lookup_past_the_addresss_budget(StoreKind store)
    {
        // Key lookups only: a background service's first untagged query once fell in the window (PostgreSQL, loaded run).
        var queries = SqlCommandCounter.KeyLookups();
        await using var api = await KubeAgentsApi.StartAsync(
            store,
            new Dictionary<string, string?> { ["AUTH_MODE"] = "keys", ["BOOTSTRAP_ADMIN_KEY"] = ApiKeySecret.Generate(), ["RATE_LIMIT_UNVERIFIED_KEYS_PER_MINUTE"] = "5" },
            services => services.AddSingleton<IInterceptor>(queries));
        using var http = api.CreateUncheckedClient();

        queries.Reset();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var login = await http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = ApiKeySecret.Generate() }));
            answers.Add(login.StatusCode);
        }

        answers.Take(5).Should().AllBeEquivalentTo(HttpStatusCode.Unauthorized);
        answers.Skip(5).Should().AllBeEquivalentTo(HttpStatusCode.TooManyRequests, "a key in a form is counted like one in a header");
        queries.Count.Should().Be(5, "one lookup per made-up key within the budget, none past it");
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_thousand_made_up_keys_on_a_probe_path_hit_429_and_buy_no_lookup_past_the_budget(StoreKind store)
    {
        // Key lookups only: a background service's first untagged query once fell in the window (PostgreSQL, loaded run).
        var queries = SqlCommandCounter.KeyLookups();
        await using var api = await KubeAgentsApi.StartAsync(
            store,
            new Dictionary<string, string?> { ["AUTH_MODE"] = "keys", ["BOOTSTRAP_ADMIN_KEY"] = ApiKeySecret.Generate() },
            services => services.AddSingleton<IInterceptor>(queries));
        using var http = api.CreateUncheckedClient();

        queries.Reset();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 1000; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/health/anything");
            request.Headers.Authorization = new("Bearer", ApiKeySecret.Generate());
            answers.Add((await http.SendAsync(request)).StatusCode);
        }

        var budget = RateLimiting.RateLimitOptions.DefaultUnverifiedPerMinute;
        answers.Take(budget).Should().AllBeEquivalentTo(HttpStatusCode.Unauthorized);
        answers.Skip(budget).Should().AllBeEquivalentTo(HttpStatusCode.TooManyRequests, "a presented key is counted on every path, the probes' too");
        queries.Count.Should().BeLessThanOrEqualTo(budget, "at most one indexed lookup per key within the budget, none past it");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Bad_keys_from_an_address_never_lock_out_a_good_key_from_it_and_log_one_warning_a_minute(StoreKind store)
    {
        var admin = ApiKeySecret.Generate();
        var logs = new LogCollector();
        await using var api = await KubeAgentsApi.StartAsync(
            store,
            new Dictionary<string, string?>
            {
                ["AUTH_MODE"] = "keys",
                ["BOOTSTRAP_ADMIN_KEY"] = admin,
                ["RATE_LIMIT_PER_MINUTE"] = "50",
                ["Logging:LogLevel:KubeAgents.Api.Authentication.RejectedKeyLog"] = "Debug",
            },
            services => services.AddSingleton<ILoggerProvider>(logs));
        using var good = api.CreateClient();
        good.DefaultRequestHeaders.Authorization = new("Bearer", admin);
        using var bad = api.CreateClient();
        (await good.GetAsync("/api/keys")).StatusCode.Should().Be(HttpStatusCode.OK);
        api.Clock.Advance(TimeSpan.FromSeconds(31)); // the good key's cache entry has expired: it needs a lookup again
        var before = logs.Entries.Count;

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 60; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/keys");
            request.Headers.Authorization = new("Bearer", ApiKeySecret.Generate());
            answers.Add((await bad.SendAsync(request)).StatusCode);
        }

        using var after = await good.GetAsync("/api/keys");

        // The good key's first request, before this replica had seen it, was one of the address's 50 unverified ones.
        answers.Take(49).Should().AllBeEquivalentTo(HttpStatusCode.Unauthorized);
        answers.Skip(49).Should().AllBeEquivalentTo(HttpStatusCode.TooManyRequests);
        after.StatusCode.Should().Be(HttpStatusCode.OK, "bad keys use the address's unverified budget, not the good key's");
        var burst = logs.Entries.Skip(before).ToList();
        burst.Where(e => e.Level >= LogLevel.Information).Should().ContainSingle("one warning for the address, nothing else above Debug")
            .Which.Level.Should().Be(LogLevel.Warning);
        burst.Count(e => e.Level == LogLevel.Debug && e.Category.EndsWith("RejectedKeyLog", StringComparison.Ordinal)).Should().Be(49);

        api.Clock.Advance(TimeSpan.FromSeconds(61));
        using var next = new HttpRequestMessage(HttpMethod.Get, "/api/keys");
        next.Headers.Authorization = new("Bearer", ApiKeySecret.Generate());
        (await bad.SendAsync(next)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        logs.Entries.Skip(before).Where(e => e.Level == LogLevel.Warning).Should().HaveCount(2)
            .And.Subject.Last().Message.Should().Contain("48 more");
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
