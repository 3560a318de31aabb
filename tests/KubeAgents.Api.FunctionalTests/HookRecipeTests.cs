using System.Diagnostics;
using System.Net;
using System.Text.Json;
using KubeAgents.TestSupport;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// examples/hooks/kubeagents-hook.sh, the README's recipe for reporting without MCP, run as Claude Code
/// and git would run it (bash, curl) against the service; what it reported is read back through REST.
/// </summary>
[Collection(ApiCollection.Name)]
public class HookRecipeTests(ApiFixture fixture)
{
    private static readonly string Script = System.IO.Path.Combine(RepositoryRoot(), "examples", "hooks", "kubeagents-hook.sh");

    [SkippableTheory]
    [BothStores]
    public async Task Claude_Code_hook_events_report_a_session_start_and_end(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var rest = api.CreateWireClient();
        var agent = Unique("hook-agent");
        var sessionId = Guid.NewGuid().ToString();
        var topic = $"my project {sessionId}";
        string HookInput(string evt, string extra) => JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["session_id"] = sessionId,
            ["transcript_path"] = "/home/dev/.claude/projects/x/transcript.jsonl",
            ["cwd"] = "/home/dev/src/my project",
            ["hook_event_name"] = evt,
        }).TrimEnd('}') + extra + "}";

        (await RunAsync(api, agent, HookInput("SessionStart", ""","source":"startup","model":"claude-sonnet-4-5" """))).ExitCode.Should().Be(0);

        var started = await rest.GetAsync(Path("api", "agents", agent, "sessions", topic));
        started.GetProperty("session").Str("current_status").Should().Be("running");
        started.Items("status_history").Single().Str("message").Should().Be("session started (startup)");
        (await rest.GetAsync(Path("api", "agents", agent))).Str("source").Should().Be("claude-code");

        (await RunAsync(api, agent, HookInput("PreToolUse", ""","tool_name":"Bash" """))).ExitCode.Should().Be(0, "other events are ignored");
        (await RunAsync(api, agent, HookInput("SessionEnd", ""","reason":"prompt_input_exit" """))).ExitCode.Should().Be(0);

        var ended = await rest.GetAsync(Path("api", "agents", agent, "sessions", topic));
        ended.GetProperty("session").Str("current_status").Should().Be("success");
        ended.Items("status_history").Select(e => e.Str("message")).Should().Equal("session ended (prompt_input_exit)", "session started (startup)");
    }

    [SkippableTheory]
    [BothStores]
    public async Task From_a_git_hook_it_reports_the_status_it_is_given_and_fails_when_refused(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var rest = api.CreateWireClient();
        var agent = Unique("hook-git");
        const string topic = "release \"v1.2\" / main";

        (await RunAsync(api, agent, stdin: "", "running", topic, "tagging")).ExitCode.Should().Be(0);
        (await RunAsync(api, agent, stdin: "", "failed", topic, "push rejected\nby the remote")).ExitCode.Should().Be(0);

        var session = await rest.GetAsync(Path("api", "agents", agent, "sessions", topic));
        session.GetProperty("session").Str("current_status").Should().Be("failed");
        session.Items("status_history")[0].Str("message").Should().Be("push rejected\nby the remote");

        var refused = await RunAsync(api, agent, stdin: "", "done", topic);
        refused.ExitCode.Should().Be(22, "curl -f fails on the 400");
        refused.StandardError.Should().Contain("400");
    }

    [SkippableFact]
    public async Task A_hook_never_blocks_Claude_Code_when_the_service_is_down()
    {
        var result = await RunAsync(
            baseUrl: "http://127.0.0.1:1",
            agent: "nobody",
            stdin: """{"session_id":"s","cwd":"/x","hook_event_name":"SessionStart","source":"startup"}""");

        result.ExitCode.Should().Be(0);
        result.StandardError.Should().Contain("could not report SessionStart");
    }

    private static Task<(int ExitCode, string StandardError)> RunAsync(KubeAgentsApi api, string agent, string stdin, params string[] arguments) =>
        RunAsync(api.CreateUncheckedClient().BaseAddress!.ToString().TrimEnd('/'), agent, stdin, arguments);

    private static async Task<(int ExitCode, string StandardError)> RunAsync(string baseUrl, string agent, string stdin, params string[] arguments)
    {
        Skip.If(!File.Exists("/usr/bin/curl") && !File.Exists("/bin/curl"), "curl is not installed");
        var info = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add(Script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["KUBEAGENTS_URL"] = baseUrl;
        info.Environment["KUBEAGENTS_AGENT_ID"] = agent;
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await error);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "KubeAgents.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("KubeAgents.sln not found above the test folder.");
    }
}
