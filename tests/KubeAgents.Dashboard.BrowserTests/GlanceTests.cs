using System.Globalization;
using System.Text.Json;
using KubeAgents.Infrastructure.Sessions;
using KubeAgents.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;

namespace KubeAgents.Dashboard.BrowserTests;

/// <summary>What running, what failed, what went quiet, at a glance: the overview, needs attention, words, clamping, phone labels.</summary>
public sealed class GlanceTests
{
    private static readonly TimeSpan Live = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Open = TimeSpan.FromSeconds(10);

    internal static Task<KubeAgentsApi> StartAsync(StoreKind store = StoreKind.Sqlite) =>
        KubeAgentsApi.StartAsync(store, new Dictionary<string, string?> { ["SESSION_SWEEP_INTERVAL_SECONDS"] = "86400" }, StrictPages.Add);

    internal static string Url(KubeAgentsApi api, string path)
    {
        using var http = api.CreateUncheckedClient();
        return new Uri(http.BaseAddress!, path).ToString();
    }

    internal static Task WaitLiveAsync(Browser browser) => browser.WaitUntilAsync(() => browser.LiveState() == "live", "the event stream to open", Open);

    /// <summary>Agents in every state, with long messages, CJK names, expired sessions silent (running, pending) and finished (success).</summary>
    internal static async Task SeedAsync(KubeAgentsApi api)
    {
        var client = api.CreateWireClient();
        var t0 = api.Clock.GetUtcNow();
        await client.ReportAsync("night-job", "backup", "running", t0, ttlMinutes: 1, message: "copying volume 3 of 7", agentName: "夜间备份");
        await client.ReportAsync("indexer", "rebuild", "pending", t0, ttlMinutes: 1, message: "waiting for a lock");
        // A finished session whose TTL then runs out: an expired row that is finished, not silent.
        await client.ReportAsync("ci-bot", "weekly build", "success", t0, ttlMinutes: 1, message: "green last week", agentName: "CI");
        api.Clock.Advance(TimeSpan.FromMinutes(3));
        await api.Services.GetRequiredService<SessionSweeper>().SweepOnceAsync(CancellationToken.None);
        var t1 = api.Clock.GetUtcNow();
        var trace = "System.InvalidOperationException: the build failed\n" + string.Concat(Enumerable.Repeat("   at KubeAgents.Build.Step.Run() in /src/Build/Step.cs:line 42\n", 20));
        await client.ReportAsync("cursor-1", "fix login bug", "running", t1, message: "reproducing the bug in the login form", agentName: "Cursor");
        await client.ReportAsync("claude-7", "refactor", "running", t1, agentName: "Claude 7");
        await client.ReportAsync("claude-7", "refactor", "failed", t1.AddSeconds(1), message: trace[..1000]);
        await client.ReportAsync("ci-bot", "nightly build", "success", t1, message: "green", agentName: "CI");
        await client.ReportAsync("reviewer", "PR #42", "pending", t1, message: "waiting for review", agentName: "レビュー担当");
    }

    [SkippableTheory]
    [BothStores]
    public async Task The_overview_counts_match_the_APIs_and_follow_reports_live(StoreKind store)
    {
        await using var api = await StartAsync(store);
        await SeedAsync(api);
        using var browser = Browser.StartOrSkip();
        browser.Driver.Navigate().GoToUrl(Url(api, "/"));
        await WaitLiveAsync(browser);

        Shown(browser).Should().BeEquivalentTo(await FromApiAsync(api));
        Shown(browser)["failed"].Should().Be(1);
        Shown(browser)["silent"].Should().Be(2);
        browser.Screenshot("dashboard-1280");

        await api.CreateWireClient().ReportAsync("cursor-1", "fix login bug", "failed", api.Clock.GetUtcNow(), message: "cannot reproduce");
        await browser.WaitUntilAsync(() => Shown(browser)["failed"] == 2, "the failed count to follow the report", Live);
        Shown(browser).Should().BeEquivalentTo(await FromApiAsync(api));
        browser.Driver.FindElement(By.CssSelector("a.count-failed")).Click();
        browser.AttributeOfAll("li.card.agent", "data-agent-id").Should().BeEquivalentTo("cursor-1", "claude-7");
    }

    [SkippableFact]
    public async Task Needs_attention_appears_and_clears_live()
    {
        await using var api = await StartAsync();
        await SeedAsync(api);
        using var browser = Browser.StartOrSkip();
        browser.Driver.Navigate().GoToUrl(Url(api, "/"));
        await WaitLiveAsync(browser);
        Attention(browser).Should().Equal("claude-7/refactor/failed", "indexer/rebuild/silent", "night-job/backup/silent");

        var client = api.CreateWireClient();
        await client.ReportAsync("deployer", "prod rollout", "failed", api.Clock.GetUtcNow(), message: "health check failed");
        await browser.WaitUntilAsync(() => Attention(browser).FirstOrDefault() == "deployer/prod rollout/failed", "the new failure, first", Live);
        AttentionText(browser, "deployer").Should().Be(("health check failed", "just now"), "an item shows its message and how long ago");
        AttentionText(browser, "night-job").Should().Be(("copying volume 3 of 7", "2 min ago"), "silent since its TTL ran out, 2 min before the clock's time");

        await client.ReportAsync("claude-7", "refactor", "success", api.Clock.GetUtcNow().AddSeconds(2), message: "fixed");
        await client.ReportAsync("night-job", "backup", "running", api.Clock.GetUtcNow(), message: "resumed");
        await browser.WaitUntilAsync(() => Attention(browser).Count == 2, "resolved sessions to leave the list", Live);
        Attention(browser).Should().Equal("deployer/prod rollout/failed", "indexer/rebuild/silent");
        browser.Driver.FindElement(By.CssSelector("li.agent[data-agent-id='night-job']")).GetAttribute("data-state").Should().Be("running");
    }

    [SkippableFact]
    public async Task A_running_agent_turns_silent_on_its_card_after_the_fake_clock_passes_its_TTL()
    {
        await using var api = await StartAsync();
        await api.CreateWireClient().ReportAsync("quiet", "long task", "running", api.Clock.GetUtcNow(), ttlMinutes: 5, agentName: "Quiet one");
        using var browser = Browser.StartOrSkip();
        browser.Driver.Navigate().GoToUrl(Url(api, "/"));
        await WaitLiveAsync(browser);
        Card(browser, "quiet").GetAttribute("data-state").Should().Be("running");

        api.Clock.Advance(TimeSpan.FromMinutes(6));
        await api.Services.GetRequiredService<SessionSweeper>().SweepOnceAsync(CancellationToken.None);

        await browser.WaitUntilAsync(() => Card(browser, "quiet").GetAttribute("data-state") == "silent", "the card to turn silent", Live);
        Card(browser, "quiet").FindElement(By.CssSelector(".badge")).Text.Should().BeEquivalentTo("silent");
        Card(browser, "quiet").GetCssValue("border-left-style").Should().Be("dashed", "silent is marked, not coloured like running");
        Attention(browser).Should().Equal("quiet/long task/silent");
    }

    [SkippableFact]
    public async Task A_long_message_is_clamped_to_two_lines_on_its_card_and_whole_on_the_agent_page()
    {
        await using var api = await StartAsync();
        await SeedAsync(api);
        using var browser = Browser.StartOrSkip();
        browser.Driver.Navigate().GoToUrl(Url(api, "/"));

        var message = Card(browser, "claude-7").FindElement(By.CssSelector(".message"));
        var lineHeight = double.Parse(((string)browser.Script("return getComputedStyle(arguments[0]).lineHeight;", message)!).Replace("px", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
        message.Size.Height.Should().BeLessThanOrEqualTo((int)Math.Ceiling(2 * lineHeight) + 1, "two lines");
        ((long)browser.Script("return arguments[0].scrollHeight - arguments[0].clientHeight;", message)!).Should().BePositive("the rest is clipped");
        var heights = browser.Driver.FindElements(By.CssSelector("li.card.agent")).Select(c => c.Size.Height).ToList();
        heights.Max().Should().BeLessThan(300, "no card grows with its message");

        Card(browser, "claude-7").FindElement(By.CssSelector("h3 a")).Click();
        browser.Driver.FindElement(By.CssSelector(".full-message")).GetAttribute("textContent").Should().HaveLength(1000);
    }

    [SkippableFact]
    public async Task At_390_px_every_value_in_the_sessions_table_carries_its_label()
    {
        await using var api = await StartAsync();
        await SeedAsync(api);
        await api.CreateWireClient().ReportAsync("night-job", "restore", "running", api.Clock.GetUtcNow(), message: "restoring");
        using var browser = Browser.StartOrSkip(390, 844);
        browser.Driver.Navigate().GoToUrl(Url(api, "/agents/night-job"));

        EveryCellShowsItsLabel(browser, "table.sessions", 10);
        ((long)browser.Script("return document.documentElement.scrollWidth - window.innerWidth;")!).Should().BeLessThanOrEqualTo(0);
        browser.Screenshot("dashboard-390-agent");
        browser.Driver.Navigate().GoToUrl(Url(api, "/"));
        ((long)browser.Script("return document.documentElement.scrollWidth - window.innerWidth;")!).Should().BeLessThanOrEqualTo(0);
        browser.Screenshot("dashboard-390");
    }

    [SkippableFact]
    public async Task At_390_px_the_notifications_and_routes_tables_label_every_value()
    {
        await using var signedIn = await SignedIn.StartAsync();
        using var browser = Browser.StartOrSkip(390, 844);
        await signedIn.SignInAsync(browser);

        browser.Driver.Navigate().GoToUrl(Url(signedIn.Api, SignedIn.SessionPath));
        EveryCellShowsItsLabel(browser, "section.notifications table", 6);
        ((long)browser.Script("return document.documentElement.scrollWidth - window.innerWidth;")!).Should().BeLessThanOrEqualTo(0);
        browser.Screenshot("dashboard-390-session-notifications");

        browser.Driver.Navigate().GoToUrl(Url(signedIn.Api, "/"));
        EveryCellShowsItsLabel(browser, "section.routes table", 5);
        ((long)browser.Script("return document.documentElement.scrollWidth - window.innerWidth;")!).Should().BeLessThanOrEqualTo(0);
        browser.Script("document.querySelector('section.routes').scrollIntoView();");
        browser.Screenshot("dashboard-390-routes");
    }

    /// <summary>
    /// At phone width the table's head is hidden, so every body cell of <paramref name="table"/> must
    /// show its own label before its value (CSS <c>::before</c> from <c>data-label</c>), within the screen.
    /// Read in one script: a live update may replace the cells between two WebDriver calls.
    /// </summary>
    private static void EveryCellShowsItsLabel(Browser browser, string table, int count)
    {
        var cells = ((IEnumerable<object>)browser.Script("""
            return Array.from(document.querySelectorAll(arguments[0] + " tbody th, " + arguments[0] + " tbody td"), function (c) {
              var r = c.getBoundingClientRect();
              return [c.getAttribute("data-label") || "", getComputedStyle(c, "::before").content, getComputedStyle(c).display, r.left, r.right, r.height];
            });
            """, table)!).Select(o => ((IEnumerable<object>)o).ToList()).ToList();
        cells.Should().HaveCount(count, table);
        browser.Script("return getComputedStyle(document.querySelector(arguments[0] + ' thead')).display;", table).Should().Be("none", "the head is hidden at 390 px");
        foreach (var cell in cells)
        {
            var label = (string)cell[0];
            label.Should().NotBeNullOrEmpty(table);
            cell[1].Should().Be($"\"{label}: \"", $"the {label} cell of {table} shows its label");
            cell[2].Should().Be("block", "the cells stack");
            Convert.ToDouble(cell[3], CultureInfo.InvariantCulture).Should().BeGreaterThanOrEqualTo(0);
            Convert.ToDouble(cell[4], CultureInfo.InvariantCulture).Should().BeLessThanOrEqualTo(390);
            Convert.ToDouble(cell[5], CultureInfo.InvariantCulture).Should().BePositive($"the {label} cell is visible");
        }
    }

    // Both read the page in one script: a live update may replace the elements between two WebDriver calls.
    internal static Dictionary<string, int> Shown(Browser browser) =>
        ((IReadOnlyDictionary<string, object>)browser.Script(
            "return Object.fromEntries(Array.from(document.querySelectorAll('.overview [data-count]'), e => [e.dataset.count, e.innerText.trim()]));")!)
        .ToDictionary(p => p.Key, p => int.Parse((string)p.Value, CultureInfo.InvariantCulture));

    private static List<string> Attention(Browser browser) =>
        [.. ((IEnumerable<object>)browser.Script(
            "return Array.from(document.querySelectorAll('li.attention-item'), e => `${e.dataset.agentId}/${e.dataset.topic}/${e.dataset.word}`);")!).Cast<string>()];

    /// <summary>An attention item's message and "how long ago", as shown, read in one script.</summary>
    private static (string? Message, string Ago) AttentionText(Browser browser, string agentId)
    {
        var parts = ((IEnumerable<object?>)browser.Script(
            "var e = document.querySelector(`li.attention-item[data-agent-id='${arguments[0]}']`), m = e.querySelector('.message'); return [m ? m.innerText : null, e.querySelector('time').innerText];",
            agentId)!).ToList();
        return ((string?)parts[0], (string)parts[1]!);
    }

    private static IWebElement Card(Browser browser, string agentId) => browser.Driver.FindElement(By.CssSelector($"li.card.agent[data-agent-id='{agentId}']"));

    /// <summary>The same counts worked out from the JSON API: each agent's sessions, the most urgent word first.</summary>
    private static async Task<Dictionary<string, int>> FromApiAsync(KubeAgentsApi api)
    {
        var client = api.CreateWireClient();
        var counts = new Dictionary<string, int> { ["all"] = 0, ["failed"] = 0, ["silent"] = 0, ["running"] = 0, ["pending"] = 0, ["idle"] = 0 };
        foreach (var agent in (await client.GetAsync("/api/agents")).GetProperty("agents").EnumerateArray())
        {
            var sessions = (await client.GetAsync($"/api/agents/{Uri.EscapeDataString(agent.GetProperty("agent_id").GetString()!)}/sessions")).GetProperty("sessions").EnumerateArray().ToList();
            string Word(JsonElement s) => (s.GetProperty("current_status").GetString(), s.GetProperty("expired").GetBoolean()) switch
            {
                ("failed", _) => "failed",
                ("running" or "pending", true) => "silent",
                ("running", false) => "running",
                ("pending", false) => "pending",
                _ => "idle",
            };
            var words = sessions.Select(Word).ToList();
            var state = new[] { "failed", "silent", "running", "pending" }.FirstOrDefault(words.Contains) ?? "idle";
            counts[state]++;
            counts["all"]++;
        }

        return counts;
    }
}
