using KubeAgents.TestSupport;

namespace KubeAgents.Dashboard.BrowserTests;

/// <summary>
/// axe-core on every page state, light and dark: failed, silent and expired (silent and finished) rows,
/// the 404 and 400 pages, the login form plain and refusing a key, and signed in as an admin (the routes
/// table, a session's notifications). No violation of any impact.
/// </summary>
public sealed class AxeTests
{
    private static readonly string[] Themes = ["light", "dark"];

    [SkippableFact]
    public async Task Every_page_has_no_axe_violation_in_either_theme()
    {
        await using var api = await GlanceTests.StartAsync();
        await GlanceTests.SeedAsync(api);
        await using var signedIn = await SignedIn.StartAsync();
        using var browser = Browser.StartOrSkip();
        var open = new[]
        {
            "/",
            "/?state=silent&sort=name",
            "/agents/night-job",
            "/agents/claude-7",
            "/agents/ci-bot",
            "/agents/night-job/sessions/backup",
            "/agents/claude-7/sessions/refactor",
            "/agents/ci-bot/sessions/weekly%20build",
            "/agents/nobody",
            "/agents/night-job?cursor=not-a-cursor",
        };
        var found = new List<string>();
        var runs = 0;

        void Check(string scheme, string page)
        {
            browser.Script("document.querySelectorAll('details').forEach(function (d) { d.open = true; });");
            var violations = Axe.Violations(browser);
            runs++;
            Console.WriteLine($"axe {scheme} {page}: {violations.Count} violations");
            found.AddRange(violations.Select(v => $"{scheme} {page}: {v}"));
        }

        // The open service first: once signed in to the keyed one, the browser sends its cookie to every port of 127.0.0.1.
        foreach (var scheme in Themes)
        {
            browser.ColorScheme(scheme);
            foreach (var path in open)
            {
                browser.Driver.Navigate().GoToUrl(GlanceTests.Url(api, path));
                if (path == "/agents/ci-bot")
                {
                    browser.AttributeOfAll("tr.session.finished.expired", "data-topic").Should().Equal(["weekly build"], "an expired finished row is on the page");
                }

                Check(scheme, path);
            }
        }

        browser.Driver.FindElement(OpenQA.Selenium.By.CssSelector("h1")).Text.Should().Be("Bad link", "the last open page is the 400 page");
        browser.Driver.Navigate().GoToUrl(GlanceTests.Url(api, "/"));
        browser.Screenshot("dashboard-1280-dark");
        foreach (var scheme in Themes)
        {
            browser.ColorScheme(scheme);
            browser.Driver.Navigate().GoToUrl(GlanceTests.Url(signedIn.Api, "/login"));
            Check(scheme, "/login");
            signedIn.SubmitLogin(browser, "ka_not_a_key");
            // The click posts the form; the answer is a new page, which may not be there yet.
            var refusal = OpenQA.Selenium.By.CssSelector("form.login .error");
            await browser.WaitUntilAsync(() => browser.Driver.FindElements(refusal).Count > 0, "the login page refusing the key", TimeSpan.FromSeconds(10));
            browser.Driver.FindElement(refusal).Text.Should().Contain("not valid");
            Check(scheme, "/login refusing a key");
        }

        await signedIn.SignInAsync(browser);
        foreach (var scheme in Themes)
        {
            browser.ColorScheme(scheme);
            foreach (var path in new[] { "/", SignedIn.SessionPath })
            {
                browser.Driver.Navigate().GoToUrl(GlanceTests.Url(signedIn.Api, path));
                browser.Driver.FindElements(OpenQA.Selenium.By.CssSelector(path == "/" ? "section.routes tr.route" : "section.notifications tr.notification")).Should().ContainSingle(path);
                Check(scheme, path + " (signed in, admin)");
            }
        }

        Console.WriteLine($"axe: {runs} runs, {found.Count} violations");
        found.Should().BeEmpty();
    }
}
