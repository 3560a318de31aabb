using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace KubeAgents.TestSupport;

/// <summary>
/// Pinned npm packages the tests drive (the TypeScript client, the MCP SDK, axe-core), installed from
/// their lock file when missing: <c>dotnet test</c> alone is enough on a machine with Node.js.
/// </summary>
public static class NodePackages
{
    /// <summary>An offline machine must not hang the run.</summary>
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    /// <summary>CI (or <c>KUBEAGENTS_REQUIRE_NODE=1</c>) fails instead of skipping where Node.js cannot run.</summary>
    public static bool Required =>
        Environment.GetEnvironmentVariable("KUBEAGENTS_REQUIRE_NODE") == "1"
        || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>One install per directory per test process, whoever asks first.</summary>
    private static readonly ConcurrentDictionary<string, Lazy<Task<string?>>> Installs = new(StringComparer.Ordinal);

    /// <summary>
    /// <c>npm ci</c> in <paramref name="directory"/> unless its node_modules is current: npm's record of
    /// the last install (<c>node_modules/.package-lock.json</c>, written when an install completes) is no
    /// older than package-lock.json, and every package package.json declares is there. Once per directory
    /// and process: <c>npm ci</c> empties node_modules before it fills it, so a second install (another
    /// test class finding another package missing) pulled the MCP SDK from under a test running node there.
    /// </summary>
    /// <returns>Why the packages cannot be used, or null.</returns>
    public static Task<string?> InstallAsync(string directory) =>
        Installs.GetOrAdd(Path.GetFullPath(directory), static path => new Lazy<Task<string?>>(() => InstallMissingAsync(path))).Value;

    private static async Task<string?> InstallMissingAsync(string directory)
    {
        if (IsCurrent(directory))
        {
            return null;
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
            using var timeout = new CancellationTokenSource(InstallTimeout);
            try
            {
                await npm.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                npm.Kill(entireProcessTree: true);
                return $"`npm ci` in {directory} did not finish within {InstallTimeout.TotalMinutes:0} minutes";
            }

            return npm.ExitCode == 0 ? null : $"`npm ci` in {directory} failed: {await output.ConfigureAwait(false)}{await errors.ConfigureAwait(false)}";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "npm is not installed";
        }
    }

    private static bool IsCurrent(string directory)
    {
        var installed = new FileInfo(Path.Combine(directory, "node_modules", ".package-lock.json"));
        return installed.Exists
            && installed.LastWriteTimeUtc >= File.GetLastWriteTimeUtc(Path.Combine(directory, "package-lock.json"))
            && DeclaredPackages(directory).All(package => Directory.Exists(Path.Combine(directory, "node_modules", package)));
    }

    private static List<string> DeclaredPackages(string directory)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "package.json")));
        var packages = new List<string>();
        foreach (var section in (string[])["dependencies", "devDependencies"])
        {
            if (manifest.RootElement.TryGetProperty(section, out var declared))
            {
                packages.AddRange(declared.EnumerateObject().Select(package => package.Name));
            }
        }

        return packages;
    }
}
