using System.Text.Json;
using KubeAgents.TestSupport;
using KubeAgents.TestSupport.Contract;

namespace KubeAgents.Dashboard.BrowserTests;

/// <summary>
/// axe-core (npm, pinned in axe/package-lock.json, installed with <c>npm ci</c> by .ci/run, or here when missing) injected into the
/// page through Selenium, then <c>axe.run()</c> over the whole document with every rule axe enables by default.
/// </summary>
public static class Axe
{
    /// <summary>axe.min.js, or why it cannot be had.</summary>
    private static readonly Lazy<(string? Script, string? Missing)> Source = new(Load);

    private static (string? Script, string? Missing) Load()
    {
        var packageDirectory = Path.Combine(ContractDocument.RepositoryRoot(), "tests", "KubeAgents.Dashboard.BrowserTests", "axe");
        // A plain `dotnet test` installs the pinned package from the lock file, as .ci/run does.
        var failure = NodePackages.InstallAsync(packageDirectory).GetAwaiter().GetResult();
        if (failure is not null)
        {
            return (null, $"axe-core is not installed and {failure}: (cd tests/KubeAgents.Dashboard.BrowserTests/axe && npm ci)");
        }

        var path = Path.Combine(packageDirectory, "node_modules", "axe-core", "axe.min.js");
        return File.Exists(path) ? (File.ReadAllText(path), null) : (null, $"`npm ci` did not install {path}");
    }

    /// <summary>The violations on the page as "rule (impact): n nodes: targets", empty when there are none.</summary>
    public static IReadOnlyList<string> Violations(Browser browser)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var (source, reason) = Source.Value;
        if (source is null)
        {
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
