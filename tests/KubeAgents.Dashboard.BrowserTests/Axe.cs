using System.Text.Json;

namespace KubeAgents.Dashboard.BrowserTests;

/// <summary>
/// axe-core (npm, pinned in axe/package.json, installed by .ci/run with <c>npm ci</c>) injected into the
/// page through Selenium, then <c>axe.run()</c> over the whole document with every rule axe enables by default.
/// </summary>
public static class Axe
{
    private static readonly Lazy<string?> Source = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KubeAgents.sln")))
        {
            dir = dir.Parent;
        }

        var path = Path.Combine(dir?.FullName ?? ".", "tests", "KubeAgents.Dashboard.BrowserTests", "axe", "node_modules", "axe-core", "axe.min.js");
        return File.Exists(path) ? File.ReadAllText(path) : null;
    });

    /// <summary>The violations on the page as "rule (impact): n nodes: targets", empty when there are none.</summary>
    public static IReadOnlyList<string> Violations(Browser browser)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var source = Source.Value;
        if (source is null)
        {
            const string reason = "axe-core is not installed: (cd tests/KubeAgents.Dashboard.BrowserTests/axe && npm ci)";
            if (Environment.GetEnvironmentVariable(Browser.RequireVariable) == "1")
            {
                throw new InvalidOperationException($"{Browser.RequireVariable}=1 but {reason}");
            }

            Skip.If(true, reason);
        }

        browser.Script(source!);
        var json = (string)browser.Driver.ExecuteAsyncScript("""
            var done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ["violations"] })
              .then(function (r) { done(JSON.stringify(r.violations)); })
              .catch(function (e) { done(JSON.stringify([{ id: "axe-error", impact: "critical", nodes: [{ target: [String(e)] }] }])); });
            """)!;
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.EnumerateArray().Select(v =>
            $"{v.GetProperty("id").GetString()} ({v.GetProperty("impact").GetString()}): {v.GetProperty("nodes").GetArrayLength()} nodes: " +
            string.Join(", ", v.GetProperty("nodes").EnumerateArray().Take(3).Select(n => n.GetProperty("target").ToString())))];
    }
}
