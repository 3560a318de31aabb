using System.Net;
using System.Text.RegularExpressions;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>The dashboard over plain HTTP (its behaviour in a browser is in KubeAgents.Dashboard.BrowserTests). Not part of the OpenAPI document: unchecked clients. In the timing collection: a render-time bound (DashboardBoardTests).</summary>
[Collection(TimingCollection.Name)]
public partial class DashboardTests
{
    [SkippableTheory]
    [BothStores]
    public async Task The_agent_list_pages_past_50_agents(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        var client = api.CreateWireClient();
        await Parallel.ForAsync(0, 80, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            await client.ReportAsync($"agent-{i:000}", "t", "running", api.Clock.GetUtcNow()));
        using var http = api.CreateUncheckedClient();

        var first = await http.GetStringAsync("/");
        Cards().Matches(first).Count.Should().Be(50);
        var next = NextLink().Match(first);
        next.Success.Should().BeTrue("a next page link follows a full page");
        var second = await http.GetStringAsync(WebUtility.HtmlDecode(next.Groups[1].Value));
        Cards().Matches(second).Count.Should().Be(30);
        Cards().Matches(first).Concat(Cards().Matches(second)).Select(m => m.Groups[1].Value).Should().OnlyHaveUniqueItems().And.HaveCount(80);
    }

    [SkippableTheory]
    [BothStores]
    public async Task Search_and_state_filter_narrow_the_list(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        var client = api.CreateWireClient();
        await client.ReportAsync("alpha", "t", "running", api.Clock.GetUtcNow());
        await client.ReportAsync("beta", "t", "failed", api.Clock.GetUtcNow());
        using var http = api.CreateUncheckedClient();

        Cards().Matches(await http.GetStringAsync("/?search=ALP&state=")).Select(m => m.Groups[1].Value).Should().Equal("alpha");
        Cards().Matches(await http.GetStringAsync("/?search=&state=failed")).Select(m => m.Groups[1].Value).Should().Equal("beta");
        Cards().Matches(await http.GetStringAsync("/?state=running")).Select(m => m.Groups[1].Value).Should().Equal("alpha");
    }

    [SkippableFact]
    public async Task Login_keeps_a_read_key_in_an_HttpOnly_SameSite_Strict_cookie_and_follows_only_local_return_urls()
    {
        var admin = ApiKeySecret.Generate();
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite, new Dictionary<string, string?> { ["AUTH_MODE"] = "keys", ["BOOTSTRAP_ADMIN_KEY"] = admin });
        using var probe = api.CreateUncheckedClient();
        probe.DefaultRequestHeaders.Authorization = new("Bearer", admin);
        using var created = await probe.PostAsync("/api/keys", new StringContent("""{"name":"dashboard","scopes":["read"]}""", System.Text.Encoding.UTF8, "application/json"));
        var readKey = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = probe.BaseAddress };
        (await http.GetStringAsync("/login")).Should().Contain("type=\"password\"");

        using var response = await http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = readKey, ["returnUrl"] = "https://evil.example/" }));

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.ToString().Should().Be("/", "only a local return URL is followed");
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        cookie.Should().StartWith($"kubeagents_key={readKey};").And.Contain("httponly").And.Contain("samesite=strict").And.NotContain("secure");
    }

    [SkippableFact]
    public async Task In_open_mode_there_is_nothing_to_sign_in_to()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite);
        using var probe = api.CreateUncheckedClient();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = probe.BaseAddress };

        using var login = await http.GetAsync("/login?returnUrl=%2Fagents%2Fa");

        login.StatusCode.Should().Be(HttpStatusCode.Redirect);
        login.Headers.Location!.ToString().Should().Be("/agents/a");
        (await http.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.OK, "open mode needs no key");
    }

    [SkippableTheory]
    [BothStores]
    public async Task An_unknown_agent_or_session_or_a_bad_link_is_a_page_not_the_APIs_JSON(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        await api.CreateWireClient().ReportAsync("known", "t", "running", api.Clock.GetUtcNow());
        using var http = api.CreateUncheckedClient();

        foreach (var (path, status, text) in new[]
        {
            ("/agents/nobody", HttpStatusCode.NotFound, "agent &#x27;nobody&#x27; not found"),
            ("/agents/known/sessions/missing%2Ftopic", HttpStatusCode.NotFound, "missing/topic"),
            ("/agents/known?cursor=not-a-cursor", HttpStatusCode.BadRequest, "cursor"),
        })
        {
            using var response = await http.GetAsync(path);

            response.StatusCode.Should().Be(status, path);
            response.Content.Headers.ContentType!.MediaType.Should().Be("text/html", path);
            var html = await response.Content.ReadAsStringAsync();
            html.Should().Contain("<h1>").And.Contain(text).And.Contain("href=\"/\"");
        }
    }

    [SkippableFact]
    public async Task Assets_ship_in_the_service()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite);
        using var http = api.CreateUncheckedClient();
        using var css = await http.GetAsync("/assets/dashboard.css");
        css.Content.Headers.ContentType!.MediaType.Should().Be("text/css");
        (await css.Content.ReadAsStringAsync()).Should().Contain("prefers-color-scheme: dark");
        (await http.GetStringAsync("/assets/dashboard.js")).Should().Contain("EventSource");
        (await http.GetStringAsync("/")).Should().NotContainAny("http://", "https://", "//cdn");
    }

    [GeneratedRegex("<li class=\"card agent[^\"]*\" data-agent-id=\"([^\"]+)\"")]
    private static partial Regex Cards();

    [GeneratedRegex("<a rel=\"next\" href=\"([^\"]+)\"")]
    private static partial Regex NextLink();
}
