using System.Diagnostics;
using System.Text.RegularExpressions;
using KubeAgents.TestSupport;
using KubeAgents.TestSupport.Contract;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// The curl smoke test of docs/mcp.md (initialize, list, call), taken from the page and run with bash
/// against the built service as its own process on a free port, as an operator runs it: only
/// <c>KUBEAGENTS_URL</c> is set, which the block reads (default <c>http://localhost:8080</c>).
/// </summary>
public partial class McpCurlSmokeTests
{
    private static readonly string[] ToolNames =
        ["start_session", "report_status", "end_session", "list_agents", "get_agent", "list_sessions", "get_session", "get_history", "get_agent_status"];

    [Fact]
    public async Task The_curl_smoke_test_of_docs_mcp_md_runs_as_printed_and_lists_the_tools_and_calls_one()
    {
        var page = await File.ReadAllTextAsync(Path.Combine(ContractDocument.RepositoryRoot(), "docs", "mcp.md"));
        var section = page[page.IndexOf("## Smoke test with curl", StringComparison.Ordinal)..];
        var script = BashBlock().Match(section).Groups[1].Value;
        script.Should().StartWith("MCP=${KUBEAGENTS_URL:-http://localhost:8080}/mcp\n", "the block names the service once, with the default port");

        await using var service = ServiceProcess.Start(new Dictionary<string, string?>());
        await service.WaitUntilHealthyAsync(ServiceProcess.MinimumStartUpWait);
        var (exitCode, output, errors) = await RunBashAsync(script, $"http://127.0.0.1:{service.Port}");

        exitCode.Should().Be(0, $"stdout:\n{output}\nstderr:\n{errors}");
        errors.Should().BeEmpty();
        var lines = output.Split('\n');
        lines.Should().Contain(l => l.StartsWith("data: ", StringComparison.Ordinal) && l.Contains("\"serverInfo\":{\"name\":\"kubeagents\"", StringComparison.Ordinal) && l.Contains("\"id\":1", StringComparison.Ordinal), output);
        lines.SkipWhile(l => l != ToolNames[0]).Take(ToolNames.Length).Should().Equal(ToolNames, "tools/list prints the nine names, one a line");
        lines.Should().Contain(l => l.Contains("\"id\":3", StringComparison.Ordinal) && l.Contains("\"structuredContent\":{\"success\":true", StringComparison.Ordinal), output);
        lines.Should().Contain(l => l.Contains("\"id\":4", StringComparison.Ordinal) && l.Contains("\"current_status\":\"running\"", StringComparison.Ordinal) && l.Contains("1 history entry", StringComparison.Ordinal), output);
        output.Should().NotContain("\"isError\":true").And.NotContain("\"error\":");
    }

    /// <summary>Runs the block with bash, failing on any failed command (<c>set -e -o pipefail</c>, which the block as printed does not need).</summary>
    private static async Task<(int ExitCode, string Output, string Errors)> RunBashAsync(string script, string url)
    {
        var info = new ProcessStartInfo("bash", ["-e", "-o", "pipefail", "-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["KUBEAGENTS_URL"] = url },
        };
        using var bash = Process.Start(info)!;
        var output = bash.StandardOutput.ReadToEndAsync();
        var errors = bash.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ServiceProcess.MinimumStartUpWait);
        try
        {
            await bash.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!bash.HasExited)
            {
                bash.Kill(entireProcessTree: true);
            }
        }

        return (bash.ExitCode, await output, await errors);
    }

    [GeneratedRegex("```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();
}
