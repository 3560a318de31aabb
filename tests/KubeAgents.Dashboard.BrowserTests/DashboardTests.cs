using KubeAgents.Domain.ApiKeys;
using KubeAgents.Infrastructure.Sessions;
using KubeAgents.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;

namespace KubeAgents.Dashboard.BrowserTests;

/// <summary>The dashboard in headless chromium: what a person sees, live. Each test leaves a screenshot.</summary>
public sealed class DashboardTests : IAsyncLifetime
{
    private static readonly TimeSpan Live = TimeSpan.FromSeconds(2);

    private KubeAgentsApi _api = null!;
    private WireClient _client = null!;

    public async Task InitializeAsync()
    {
        _api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite, new Dictionary<string, string?> { ["SESSION_SWEEP_INTERVAL_SECONDS"] = "86400" }, StrictPages.Add);
        _client = _api.CreateWireClient();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private string Url(string path)
    {
        using var http = _api.CreateUncheckedClient();
        return new Uri(http.BaseAddress!, path).ToString();
    }

    [SkippableFact]
    public async Task The_page_lists_the_agents_reported_before_it_opened()
    {
        await _client.ReportAsync("cursor-1", "fix login bug", "running", _api.Clock.GetUtcNow(), message: "reproducing", agentName: "Cursor");
        await _client.ReportAsync("ci-bot", "nightly build", "success", _api.Clock.GetUtcNow(), message: "green", agentName: "CI");
        await _client.ReportAsync("claude-7", "refactor", "failed", _api.Clock.GetUtcNow(), message: "tests failed");
        using var browser = Browser.StartOrSkip();

        browser.Driver.Navigate().GoToUrl(Url("/"));

        var cards = browser.Driver.FindElements(By.CssSelector("li.card.agent"));
        cards.Select(c => c.GetAttribute("data-agent-id")).Should().BeEquivalentTo("cursor-1", "ci-bot", "claude-7");
        browser.Driver.FindElement(By.CssSelector("li.agent[data-agent-id='ci-bot'] .badge")).Text.Should().BeEquivalentTo("idle", "its only session succeeded");
        browser.Driver.FindElement(By.CssSelector("li.agent[data-agent-id='claude-7'] .badge")).Text.Should().BeEquivalentTo("failed");
        browser.Driver.FindElement(By.CssSelector("li.agent[data-agent-id='cursor-1'] time")).Text.Should().Be("just now");
        browser.Screenshot("agents-list");
    }

    [SkippableFact]
    public async Task With_API_keys_the_dashboard_asks_for_a_read_key_then_shows_live_agents()
    {
        var admin = ApiKeySecret.Generate();
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite, new Dictionary<string, string?> { ["AUTH_MODE"] = "keys", ["BOOTSTRAP_ADMIN_KEY"] = admin });
        using var http = api.CreateUncheckedClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", admin);
        using var created = await http.PostAsync("/api/keys", new StringContent("""{"name":"dashboard","scopes":["read","report"]}""", System.Text.Encoding.UTF8, "application/json"));
        var key = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
        http.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var client = new WireClient(http);
        await client.ReportAsync("keyed-1", "build", "running", api.Clock.GetUtcNow(), agentName: "Keyed");
        using var browser = Browser.StartOrSkip();

        browser.Driver.Navigate().GoToUrl(new Uri(http.BaseAddress!, "/agents/keyed-1").ToString());
        new Uri(browser.Driver.Url).AbsolutePath.Should().Be("/login", "without a key the dashboard asks for one");
        browser.Screenshot("login");
        browser.Driver.FindElement(By.Name("key")).SendKeys(key);
        browser.Driver.FindElement(By.CssSelector("form.login button[type=submit]")).Click();

        await browser.WaitUntilAsync(() => new Uri(browser.Driver.Url).AbsolutePath == "/agents/keyed-1", "the page asked for", TimeSpan.FromSeconds(10));
        browser.Script("return document.cookie;").Should().Be(string.Empty, "the key's cookie is HttpOnly: the page's script never sees it");
        await browser.WaitUntilAsync(() => browser.Driver.FindElement(By.Id("live-state")).Text.Contains("live", StringComparison.Ordinal), "the event stream to open with the cookie", TimeSpan.FromSeconds(10));
        await client.ReportAsync("keyed-1", "deploy", "running", api.Clock.GetUtcNow(), message: "rolling out");
        await browser.WaitUntilAsync(() => browser.Driver.FindElements(By.CssSelector("tr.session")).Count == 2, "the new session, live", Live);
        browser.Screenshot("keys-agent-live");

        browser.Driver.FindElement(By.CssSelector("form.signout button")).Click();
        browser.Driver.Navigate().GoToUrl(new Uri(http.BaseAddress!, "/").ToString());
        new Uri(browser.Driver.Url).AbsolutePath.Should().Be("/login", "signing out forgets the key");
    }

    [SkippableFact]
    public async Task A_report_posted_after_the_page_opened_appears_within_two_seconds_without_a_reload()
    {
        await _client.ReportAsync("first", "t", "running", _api.Clock.GetUtcNow());
        using var browser = Browser.StartOrSkip();
        browser.Driver.Navigate().GoToUrl(Url("/"));
        await browser.WaitUntilAsync(() => browser.Driver.FindElement(By.Id("live-state")).Text.Contains("live", StringComparison.Ordinal), "the event stream to open", TimeSpan.FromSeconds(10));
        browser.Script("window.__sameDocument = true;");

        _api.Clock.Advance(TimeSpan.FromMinutes(3));
        await _client.ReportAsync("newcomer", "deploy", "running", _api.Clock.GetUtcNow(), message: "rolling out", agentName: "Newcomer");

        await browser.WaitUntilAsync(() => browser.Driver.FindElements(By.CssSelector("li.agent[data-agent-id='newcomer']")).Count == 1, "the new agent's card", Live);
        browser.Script("return window.__sameDocument === true;").Should().Be(true, "the page was updated in place, not reloaded");
        browser.Driver.FindElement(By.CssSelector("li.agent[data-agent-id='first'] time")).Text.Should().Be("3 min ago", "relative times follow the service's clock");
        browser.Screenshot("agents-live-update");
    }

    [SkippableFact]
    public async Task Topics_with_slashes_hashes_spaces_and_unicode_open_their_own_page()
    {
        string[] topics = ["release/v1.2", "issue #42", "with  two spaces", "修复登录 ✓ 🚀", "a/b #c?d=e&f%20"];
        foreach (var topic in topics)
        {
            await _client.ReportAsync("odd", topic, "running", _api.Clock.GetUtcNow(), message: $"on {topic}");
        }

        using var browser = Browser.StartOrSkip();
        browser.Driver.Navigate().GoToUrl(Url("/"));
        browser.Driver.FindElement(By.CssSelector("li.agent[data-agent-id='odd'] h3 a")).Click();
        browser.Driver.FindElements(By.CssSelector("tr.session")).Should().HaveCount(topics.Length);
        browser.Screenshot("agent-odd-topics");

        for (var i = 0; i < topics.Length; i++)
        {
            // Back restores the page from the back-forward cache, which then fetches its view again: a link found a moment before may be replaced.
            var topic = topics[i];
            await browser.WaitUntilAsync(
                () =>
                {
                    browser.Driver.FindElements(By.CssSelector("tr.session th a")).Single(a => a.GetAttribute("textContent") == topic).Click();
                    return true;
                },
                $"the link to {topic}",
                TimeSpan.FromSeconds(5));
            browser.Driver.FindElement(By.CssSelector("h1 .topic")).GetAttribute("textContent").Should().Be(topics[i]);
            browser.Driver.FindElement(By.CssSelector(".timeline .message")).GetAttribute("textContent").Should().Be($"on {topics[i]}");
            if (i == 3)
            {
                browser.Screenshot("session-unicode-topic");
            }

            browser.Driver.Navigate().Back();
        }
    }

    [SkippableFact]
    public async Task A_session_that_expires_while_running_turns_silent_after_the_clock_moves_and_a_finished_one_shows_its_duration()
    {
        var start = _api.Clock.GetUtcNow();
        await _client.ReportAsync("agent", "short", "running", start, ttlMinutes: 5);
        await _client.ReportAsync("agent", "long", "running", start, ttlMinutes: 120);
        using var browser = Browser.StartOrSkip();
        browser.Driver.Navigate().GoToUrl(Url("/agents/agent"));
        await browser.WaitUntilAsync(() => browser.Driver.FindElement(By.Id("live-state")).Text.Contains("live", StringComparison.Ordinal), "the event stream to open", TimeSpan.FromSeconds(10));
        Row(browser, "short").GetAttribute("class").Should().Contain("active");

        _api.Clock.Advance(TimeSpan.FromMinutes(6));
        await _api.Services.GetRequiredService<SessionSweeper>().SweepOnceAsync(CancellationToken.None);
        await browser.WaitUntilAsync(() => Row(browser, "short").GetAttribute("data-word") == "silent", "the silent styling", Live);
        Row(browser, "long").GetAttribute("data-word").Should().Be("live");
        Row(browser, "short").FindElement(By.CssSelector(".badge")).Text.Should().BeEquivalentTo("silent", "silent never looks like running");
        Row(browser, "short").GetCssValue("background-color").Should().NotBe(Row(browser, "long").GetCssValue("background-color"), "a silent row stands out");
        browser.Driver.FindElement(By.CssSelector("h1 .badge")).Text.Should().BeEquivalentTo("silent", "the agent shows its most urgent session's word");
        browser.Screenshot("agent-expired-session");

        browser.Driver.FindElement(By.LinkText("long")).Click();
        await browser.WaitUntilAsync(() => browser.Driver.FindElement(By.Id("live-state")).Text.Contains("live", StringComparison.Ordinal), "the event stream to open", TimeSpan.FromSeconds(10));
        await _client.ReportAsync("agent", "long", "success", start.AddMinutes(7).AddSeconds(30), message: "done");
        await browser.WaitUntilAsync(() => browser.Driver.FindElements(By.CssSelector(".duration")).Count == 1, "the finished session's duration", Live);
        browser.Driver.FindElement(By.CssSelector(".duration")).Text.Should().Be("7 min 30 s");
        browser.Driver.FindElements(By.CssSelector(".timeline li")).Should().HaveCount(2);
        browser.Screenshot("session-finished");
    }

    [SkippableFact]
    public async Task At_phone_width_nothing_scrolls_sideways_and_the_keyboard_reaches_every_link()
    {
        for (var i = 0; i < 4; i++)
        {
            await _client.ReportAsync($"phone-agent-{i}", "a rather long session topic that has to wrap somewhere", "running", _api.Clock.GetUtcNow(), agentName: $"Agent number {i}");
        }

        using var browser = Browser.StartOrSkip(390, 844);
        browser.Driver.Navigate().GoToUrl(Url("/agents/phone-agent-0"));
        ((long)browser.Script("return document.documentElement.scrollWidth - window.innerWidth;")!).Should().BeLessThanOrEqualTo(0);
        browser.Screenshot("phone-agent");
        browser.Driver.Navigate().GoToUrl(Url("/"));
        ((long)browser.Script("return document.documentElement.scrollWidth - window.innerWidth;")!).Should().BeLessThanOrEqualTo(0);
        browser.Screenshot("phone-agents-list");

        // Tab from the top: the skip link first, then on to an agent's link, which Enter follows.
        var body = browser.Driver.FindElement(By.TagName("body"));
        body.SendKeys(Keys.Tab);
        browser.Driver.SwitchTo().ActiveElement().GetAttribute("class").Should().Be("skip");
        for (var i = 0; i < 20 && browser.Driver.SwitchTo().ActiveElement().GetAttribute("href")?.Contains("/agents/", StringComparison.Ordinal) != true; i++)
        {
            browser.Driver.SwitchTo().ActiveElement().SendKeys(Keys.Tab);
        }

        browser.Driver.SwitchTo().ActiveElement().SendKeys(Keys.Enter);
        await browser.WaitUntilAsync(() => browser.Driver.Url.Contains("/agents/phone-agent-", StringComparison.Ordinal), "the agent page, by keyboard", TimeSpan.FromSeconds(5));
    }

    private static IWebElement Row(Browser browser, string topic) =>
        browser.Driver.FindElements(By.CssSelector("tr.session")).Single(r => r.GetAttribute("data-topic") == topic);
}
