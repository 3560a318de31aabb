using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>The dashboard's overview, needs-attention list, words and size, over plain HTTP on both stores.</summary>
public partial class DashboardTests
{
    /// <summary>One agent in each state, and two that show which word wins: failed over running, silent over running.</summary>
    private static async Task SeedOneOfEachAsync(KubeAgentsApi api)
    {
        var client = api.CreateWireClient();
        var t0 = api.Clock.GetUtcNow();
        await client.ReportAsync("gone-quiet", "deploy", "running", t0, ttlMinutes: 1, message: "halfway");
        await client.ReportAsync("half-quiet", "index", "pending", t0, ttlMinutes: 1);
        api.Clock.Advance(TimeSpan.FromMinutes(2));
        var t1 = api.Clock.GetUtcNow();
        await client.ReportAsync("half-quiet", "build", "running", t1);
        await client.ReportAsync("runner", "build", "running", t1);
        await client.ReportAsync("waiter", "review", "pending", t1);
        await client.ReportAsync("done", "build", "running", t1);
        await client.ReportAsync("done", "build", "success", t1.AddSeconds(1));
        await client.ReportAsync("breaker", "tests", "running", t1);
        await client.ReportAsync("breaker", "tests", "failed", t1.AddSeconds(1), message: "3 tests failed");
        await client.ReportAsync("mixed", "lint", "failed", t1, message: "lint");
        api.Clock.Advance(TimeSpan.FromSeconds(5));
        await client.ReportAsync("mixed", "build", "running", api.Clock.GetUtcNow());
    }

    [SkippableTheory]
    [BothStores]
    public async Task The_overview_counts_agents_by_state_and_each_count_is_a_filter_link(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        await SeedOneOfEachAsync(api);
        using var http = api.CreateUncheckedClient();

        var home = await http.GetStringAsync("/");

        Counts(home).Should().BeEquivalentTo(new Dictionary<string, int>
        {
            ["all"] = 7, ["failed"] = 2, ["silent"] = 2, ["running"] = 1, ["pending"] = 1, ["idle"] = 1,
        });
        Cards().Matches(home).Select(m => m.Groups[1].Value).Should().Equal(
            ["mixed", "breaker", "half-quiet", "gone-quiet", "runner", "waiter", "done"],
            "attention first: failed, silent, running, pending, idle; newest first within each");
        foreach (var (state, agents) in new Dictionary<string, string[]>
        {
            ["failed"] = ["mixed", "breaker"], ["silent"] = ["half-quiet", "gone-quiet"], ["running"] = ["runner"], ["pending"] = ["waiter"], ["idle"] = ["done"],
        })
        {
            home.Should().Contain($"href=\"/?state={state}\"");
            var filtered = await http.GetStringAsync($"/?state={state}");
            Cards().Matches(filtered).Select(m => m.Groups[1].Value).Should().BeEquivalentTo(agents, state);
            Counts(filtered)["all"].Should().Be(7, "the overview counts every agent whatever the filter");
        }

        Cards().Matches(await http.GetStringAsync("/?sort=name")).Select(m => m.Groups[1].Value).Should().Equal("breaker", "done", "gone-quiet", "half-quiet", "mixed", "runner", "waiter");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Needs_attention_lists_failed_and_silent_sessions_newest_first_until_a_later_report_resolves_them(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        await SeedOneOfEachAsync(api);
        using var http = api.CreateUncheckedClient();

        Attention(await http.GetStringAsync("/")).Should().Equal(
            "mixed/lint/failed", "breaker/tests/failed", "half-quiet/index/silent", "gone-quiet/deploy/silent");

        var client = api.CreateWireClient();
        await client.ReportAsync("breaker", "tests", "success", api.Clock.GetUtcNow(), message: "fixed");
        await client.ReportAsync("gone-quiet", "deploy", "running", api.Clock.GetUtcNow());

        var after = await http.GetStringAsync("/");
        Attention(after).Should().Equal("mixed/lint/failed", "half-quiet/index/silent");
        Counts(after)["failed"].Should().Be(1);
        Counts(after)["running"].Should().Be(2);
    }

    [SkippableTheory]
    [BothStores]
    public async Task Needs_attention_items_show_their_message_and_how_long_ago(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        await SeedOneOfEachAsync(api);
        api.Clock.Advance(TimeSpan.FromMinutes(10));
        using var http = api.CreateUncheckedClient();

        var items = AttentionItemRegex().Matches(WebUtility.HtmlDecode(await http.GetStringAsync("/")))
            .Select(m => (Key: $"{m.Groups[1].Value}/{m.Groups[2].Value}", Ago: m.Groups[3].Value, Message: m.Groups[4].Success ? m.Groups[4].Value : null))
            .ToList();

        // Failures count from their report's arrival (10 min 5 s ago), silent sessions from their expiry
        // (the 1-minute TTL of a report 12 min 5 s ago).
        items.Should().Equal(
            ("mixed/lint", "10 min ago", "lint"),
            ("breaker/tests", "10 min ago", "3 tests failed"),
            ("half-quiet/index", "11 min ago", null),
            ("gone-quiet/deploy", "11 min ago", "halfway"));
    }

    [SkippableTheory]
    [BothStores]
    public async Task Sorted_by_last_seen_the_most_recently_seen_agent_comes_first_whatever_its_state(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        var client = api.CreateWireClient();
        foreach (var (agent, status) in new[] { ("alpha", "failed"), ("delta", "running"), ("bravo", "success"), ("charlie", "pending") })
        {
            await client.ReportAsync(agent, "task", status, api.Clock.GetUtcNow());
            api.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        using var http = api.CreateUncheckedClient();
        var home = await http.GetStringAsync("/?sort=last_seen");

        Cards().Matches(home).Select(m => m.Groups[1].Value).Should().Equal(["charlie", "bravo", "delta", "alpha"], "newest first, not by attention or name");
        home.Should().Contain("<option value=\"last_seen\" selected=\"selected\">");
        Cards().Matches(await http.GetStringAsync("/")).Select(m => m.Groups[1].Value).Should().Equal(["alpha", "delta", "charlie", "bravo"], "the default is attention");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Silent_never_looks_like_running_and_a_finished_session_is_finished_not_active(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        await SeedOneOfEachAsync(api);
        using var http = api.CreateUncheckedClient();

        var page = await http.GetStringAsync("/agents/gone-quiet");
        var quiet = page[page.IndexOf("id=\"live\"", StringComparison.Ordinal)..page.IndexOf("class=\"legend\"", StringComparison.Ordinal)];
        Regex.Match(quiet, "<h1>[^<]*<span class=\"badge status-([a-z]+)\"").Groups[1].Value.Should().Be("silent");
        quiet.Should().Contain("data-word=\"silent\"").And.NotContain("status-running").And.NotContain(">active<");

        var done = await http.GetStringAsync("/agents/done");
        done.Should().Contain("data-word=\"finished\"", "a session that succeeded a moment ago is finished, whatever its TTL")
            .And.Contain("<span class=\"badge status-idle\"");
        (await http.GetStringAsync("/agents/done/sessions/build")).Should().Contain("<dd class=\"state\" title=\"Its last report was success or failed.\">finished</dd>");
    }

    [SkippableTheory]
    [BothStores]
    public async Task The_agent_page_shows_24_hours_of_reports_per_hour_and_the_whole_message_the_card_clips(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        var client = api.CreateWireClient();
        var start = api.Clock.GetUtcNow();
        await client.ReportAsync("beat", "old", "running", start.AddHours(-30));
        await client.ReportAsync("beat", "a", "running", start.AddHours(-5).AddMinutes(1));
        await client.ReportAsync("beat", "a", "failed", start.AddHours(-5).AddMinutes(2));
        await client.ReportAsync("beat", "b", "success", start.AddMinutes(-10));
        var message = string.Concat(Enumerable.Repeat("a long stack trace line ", 50))[..1000];
        await client.ReportAsync("beat", "c", "pending", start.AddMinutes(-1), message: message);
        using var http = api.CreateUncheckedClient();

        var page = await http.GetStringAsync("/agents/beat");

        var totals = Regex.Matches(page, "<li class=\"beat[^\"]*\" title=\"[^\"]*\" data-total=\"(\\d+)\"").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        totals.Should().HaveCount(24);
        totals[19].Should().Be(2, "two reports in the hour that began 5 hours ago");
        totals[23].Should().Be(2, "two in the last hour");
        totals.Sum().Should().Be(4, "the report 30 hours ago is older than the strip");
        page.Should().Contain("1 running, 1 failed").And.Contain(message, "the agent page shows the whole message");

        var home = await http.GetStringAsync("/");
        home.Should().NotContain(message).And.Contain(message[..160] + "…", "a card shows the message's start; CSS clamps it to two lines");
    }

    [SkippableTheory]
    [BothStores]
    public async Task With_5000_agents_the_first_screen_is_paged_to_150_KB_and_rendered_within_300_ms_of_server_time(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        var client = api.CreateWireClient();
        var now = api.Clock.GetUtcNow();
        // The worst case for size: long CJK names, sources and 1,000-character messages.
        var message = string.Concat(Enumerable.Repeat("错误 stack trace at Foo.Bar() ", 40))[..1000];
        await Parallel.ForAsync(0, 5000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            await client.ReportAsync($"agent-{i:0000}-{new string('x', 80)}", "task", (i % 4) switch { 0 => "running", 1 => "failed", 2 => "pending", _ => "success" }, now,
                message: message, agentName: $"代理 {i} " + new string('名', 150), agentSource: "ci/" + new string('s', 150)));
        using var http = api.CreateUncheckedClient();
        (await http.GetStringAsync("/")).Should().Contain("data-count=\"all\">5000<");

        var times = new List<double>();
        var server = new List<double>();
        var size = 0;
        for (var i = 0; i < 7; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await http.GetAsync("/");
            var html = await response.Content.ReadAsByteArrayAsync();
            times.Add(watch.Elapsed.TotalMilliseconds);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            server.Add(ServerTime(response));
            size = html.Length;
        }

        times.Sort();
        server.Sort();
        var median = times[times.Count / 2];
        var serverMedian = server[server.Count / 2];
        Console.WriteLine($"dashboard home, 5000 agents on {store}: server time median {serverMedian:0} ms (min {server[0]:0}, max {server[^1]:0}); wall median {median:0} ms (min {times[0]:0}, max {times[^1]:0}); {size / 1024.0:0.0} KB");
        // The target is 300 ms of server time, from the action's start to the view rendered (the page's
        // Server-Timing header). Quiet: about 34 ms on SQLite and 96 ms on PostgreSQL, so 300 ms is over
        // 3x that. The client's wall time (sending, reading 113 KB) is bounded at 3x the target.
        serverMedian.Should().BeLessThanOrEqualTo(300, "the first screen of 5,000 agents renders in 300 ms of server time");
        median.Should().BeLessThanOrEqualTo(900, "the first screen of 5,000 agents");
        size.Should().BeLessThanOrEqualTo(150 * 1024, "the rest is paged");
    }

    [SkippableFact]
    public async Task Dashboard_pages_carry_their_server_time_and_the_API_does_not()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite);
        await SeedOneOfEachAsync(api);
        using var http = api.CreateUncheckedClient();

        foreach (var path in new[] { "/", "/agents/mixed", "/agents/mixed/sessions/lint", "/agents/nobody" })
        {
            using var page = await http.GetAsync(path);
            page.Headers.GetValues("Server-Timing").Should().ContainSingle().Which.Should().MatchRegex("^app;dur=[0-9]+\\.[0-9]$", path);
            ServerTime(page).Should().BePositive(path);
        }

        foreach (var path in new[] { "/api/agents", "/health" })
        {
            using var answer = await http.GetAsync(path);
            answer.Headers.Contains("Server-Timing").Should().BeFalse($"{path} is not a dashboard page");
        }
    }

    /// <summary>The <c>dur</c> of the page's <c>Server-Timing: app;dur=…</c> header, in milliseconds.</summary>
    private static double ServerTime(HttpResponseMessage response)
    {
        var header = response.Headers.GetValues("Server-Timing").Single();
        var match = Regex.Match(header, "^app;dur=([0-9.]+)$");
        match.Success.Should().BeTrue(header);
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [SkippableFact]
    public async Task No_page_carries_an_inline_script_or_an_event_handler_attribute()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite);
        await SeedOneOfEachAsync(api);
        using var http = api.CreateUncheckedClient();

        foreach (var path in new[] { "/", "/?state=failed", "/agents/mixed", "/agents/mixed/sessions/lint", "/agents/nobody" })
        {
            using var response = await http.GetAsync(path);
            var html = await response.Content.ReadAsStringAsync();
            Regex.Matches(html, "<script\\b[^>]*>").Should().OnlyContain(m => m.Value.Contains(" src=\"/assets/", StringComparison.Ordinal), path);
            Regex.IsMatch(html, "<script\\b[^>]*>\\s*[^<\\s]").Should().BeFalse($"{path} has no inline script body");
            Regex.IsMatch(html, "<[^>]+\\son[a-z]+\\s*=", RegexOptions.IgnoreCase).Should().BeFalse($"{path} has no on* attribute");
        }
    }

    private static Dictionary<string, int> Counts(string html) =>
        CountRegex().Matches(html).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));

    private static List<string> Attention(string html) =>
        AttentionRegex().Matches(html).Select(m => $"{m.Groups[1].Value}/{m.Groups[2].Value}/{m.Groups[3].Value}").ToList();

    [GeneratedRegex("data-count=\"([a-z]+)\">(\\d+)<")]
    private static partial Regex CountRegex();

    [GeneratedRegex("<li class=\"attention-item\" data-agent-id=\"([^\"]+)\" data-topic=\"([^\"]+)\"[^>]*>.*?<time [^>]*>([^<]+)</time>\\s*(?:<span class=\"message\">([^<]*)</span>\\s*)?</li>", RegexOptions.Singleline)]
    private static partial Regex AttentionItemRegex();

    [GeneratedRegex("<li class=\"attention-item\" data-agent-id=\"([^\"]+)\" data-topic=\"([^\"]+)\" data-word=\"([a-z]+)\"")]
    private static partial Regex AttentionRegex();
}
