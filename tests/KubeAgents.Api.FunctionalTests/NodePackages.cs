using System.Diagnostics;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>The pinned npm packages of tests/typescript-client, installed from the lock file when missing.</summary>
internal static class NodePackages
{
    /// <summary>CI (or <c>KUBEAGENTS_REQUIRE_NODE=1</c>) fails instead of skipping where Node.js cannot run.</summary>
    public static bool Required =>
        Environment.GetEnvironmentVariable("KUBEAGENTS_REQUIRE_NODE") == "1"
        || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

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
            await npm.WaitForExitAsync();
            return npm.ExitCode == 0 ? null : $"`npm ci` in {directory} failed: {await output}{await errors}";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "npm is not installed";
        }
    }
}
