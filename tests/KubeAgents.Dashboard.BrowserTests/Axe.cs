using System.Diagnostics;
using System.Text.Json;

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
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KubeAgents.sln")))
        {
            dir = dir.Parent;
        }

        var packageDirectory = Path.Combine(dir?.FullName ?? ".", "tests", "KubeAgents.Dashboard.BrowserTests", "axe");
        var path = Path.Combine(packageDirectory, "node_modules", "axe-core", "axe.min.js");
        if (!File.Exists(path))
        {
            // A plain `dotnet test` installs the pinned package from the lock file, as .ci/run does.
            var failure = NpmCi(packageDirectory);
            if (failure is not null)
            {
                return (null, $"axe-core is not installed and {failure}: (cd tests/KubeAgents.Dashboard.BrowserTests/axe && npm ci)");
            }
        }

        return File.Exists(path) ? (File.ReadAllText(path), null) : (null, $"`npm ci` did not install {path}");
    }

    /// <returns>Why <c>npm ci</c> did not succeed, or null.</returns>
    private static string? NpmCi(string directory)
    {
        if (!File.Exists(Path.Combine(directory, "package-lock.json")))
        {
            return $"{directory} has no package-lock.json (the repository root was not found from {AppContext.BaseDirectory})";
        }

        var info = new ProcessStartInfo("npm", "ci --no-audit --no-fund --loglevel=error")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var npm = Process.Start(info)!;
            var output = npm.StandardOutput.ReadToEndAsync();
            var errors = npm.StandardError.ReadToEndAsync();
            // An offline machine must not hang the run: npm gets five minutes.
            if (!npm.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                npm.Kill(entireProcessTree: true);
                return "`npm ci` did not finish within 5 minutes";
            }

            return npm.ExitCode == 0 ? null : $"`npm ci` failed: {output.Result}{errors.Result}";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "npm is not installed";
        }
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
