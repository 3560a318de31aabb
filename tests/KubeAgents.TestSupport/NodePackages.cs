using System.Diagnostics;

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

    /// <summary><c>npm ci</c> in <paramref name="directory"/> unless <paramref name="package"/> is already in its node_modules.</summary>
    /// <returns>Why the packages cannot be used, or null.</returns>
    public static async Task<string?> InstallAsync(string directory, string package)
    {
        if (Directory.Exists(Path.Combine(directory, "node_modules", package)))
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
}
