using KubeAgents.TestSupport;

namespace KubeAgents.Dashboard.BrowserTests;

/// <summary>axe-core on every page, light and dark, with failed, silent and expired rows on them: no violation of any impact.</summary>
public sealed class AxeTests
{
    [SkippableFact]
    public async Task Every_page_has_no_axe_violation_in_either_theme()
    {
        await using var api = await GlanceTests.StartAsync();
        await GlanceTests.SeedAsync(api);
        var admin = KubeAgents.Domain.ApiKeys.ApiKeySecret.Generate();
        await using var keyed = await KubeAgentsApi.StartAsync(StoreKind.Sqlite, new Dictionary<string, string?> { ["AUTH_MODE"] = "keys", ["BOOTSTRAP_ADMIN_KEY"] = admin }, StrictPages.Add);
        using var browser = Browser.StartOrSkip();
        var pages = new[]
        {
            GlanceTests.Url(api, "/"),
            GlanceTests.Url(api, "/?state=silent&sort=name"),
            GlanceTests.Url(api, "/agents/night-job"),
            GlanceTests.Url(api, "/agents/claude-7"),
            GlanceTests.Url(api, "/agents/night-job/sessions/backup"),
            GlanceTests.Url(api, "/agents/claude-7/sessions/refactor"),
            GlanceTests.Url(api, "/agents/nobody"),
            GlanceTests.Url(keyed, "/login"),
        };
        var found = new List<string>();

        foreach (var scheme in new[] { "light", "dark" })
        {
            browser.ColorScheme(scheme);
            foreach (var url in pages)
            {
                browser.Driver.Navigate().GoToUrl(url);
                browser.Script("document.querySelectorAll('details').forEach(function (d) { d.open = true; });");
                var violations = Axe.Violations(browser);
                var path = new Uri(url).PathAndQuery;
                Console.WriteLine($"axe {scheme} {path}: {violations.Count} violations");
                found.AddRange(violations.Select(v => $"{scheme} {path}: {v}"));
            }
        }

        browser.ColorScheme("dark");
        browser.Driver.Navigate().GoToUrl(pages[0]);
        browser.Screenshot("dashboard-1280-dark");
        found.Should().BeEmpty();
    }
}
