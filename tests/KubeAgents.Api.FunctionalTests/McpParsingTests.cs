using System.Net;
using System.Text.Json;
using KubeAgents.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// Issue 21, item 9: MCP parses arguments as REST parses a body. What the REST API refuses with a 400
/// (a key twice, a body that is not an object, an unpaired surrogate) is a tool error carrying that 400
/// body, never a JSON-RPC -32603 or a logged stack trace; and a call logs no more than its REST request.
/// </summary>
public class McpParsingTests
{
    private static string Call(string tool, string arguments) =>
        """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":""" + JsonSerializer.Serialize(tool) + ""","arguments":""" + arguments + "}}";

    /// <summary>start_session's arguments and the webhook body that says the same, both spelled by hand.</summary>
    public static TheoryData<string, string, string> Refused => new()
    {
        { "a key twice", """{"agent_id":"a","agent_id":"b","session_topic":"t"}""", """{"agent_id":"a","agent_id":"b","session_topic":"t","status":"running","timestamp":"2026-11-27T10:00:00Z"}""" },
        { "an array", """["a","t"]""", """["a","t"]""" },
        { "a string", "\"a\"", "\"a\"" },
        { "an unpaired high surrogate", """{"agent_id":"a\ud800","session_topic":"t"}""", """{"agent_id":"a\ud800","session_topic":"t","status":"running","timestamp":"2026-11-27T10:00:00Z"}""" },
        { "an unpaired low surrogate", """{"agent_id":"a","session_topic":"\udc00t"}""", """{"agent_id":"a","session_topic":"\udc00t","status":"running","timestamp":"2026-11-27T10:00:00Z"}""" },
        { "an array for a string", """{"agent_id":["a"],"session_topic":"t"}""", """{"agent_id":["a"],"session_topic":"t","status":"running","timestamp":"2026-11-27T10:00:00Z"}""" },
    };

    [SkippableTheory]
    [MemberData(nameof(Refused))]
    public async Task What_REST_refuses_is_a_tool_error_with_the_REST_400_body_and_no_stack_trace(string what, string arguments, string webhookBody)
    {
        foreach (var store in new[] { StoreKind.Sqlite, StoreKind.Postgres })
        {
            var logs = new LogCollector();
            await using var api = await KubeAgentsApi.StartAsync(store, configureServices: services => services.AddSingleton<ILoggerProvider>(logs));
            var (restStatus, restBody) = await api.CreateWireClient().PostRawAsync("/webhook/status", webhookBody);
            restStatus.Should().Be(HttpStatusCode.BadRequest, what);

            using var http = api.CreateUncheckedClient();
            var (status, answer) = await McpConnection.PostRawAsync(http, Call("start_session", arguments));

            status.Should().Be(HttpStatusCode.OK, what);
            var result = answer!.Value.GetProperty("result");
            result.GetProperty("isError").GetBoolean().Should().BeTrue(what);
            JsonSerializer.Serialize(result.GetProperty("structuredContent")).Should().Be(JsonSerializer.Serialize(restBody), what);
            result.GetProperty("content")[0].GetProperty("text").GetString().Should().Be(restBody.Str("message"));
            logs.Entries.Should().NotContain(e => e.Exception != null || e.Level >= LogLevel.Warning, what);
            (await api.CreateWireClient().GetRawAsync("/api/agents/a")).Status.Should().Be(HttpStatusCode.NotFound, "a refused call stores nothing");
        }
    }

    [SkippableTheory]
    [BothStores]
    public async Task Bad_text_outside_the_arguments_and_in_unknown_arguments_is_refused_without_a_stack_trace(StoreKind store)
    {
        var logs = new LogCollector();
        await using var api = await KubeAgentsApi.StartAsync(store, configureServices: services => services.AddSingleton<ILoggerProvider>(logs));
        using var http = api.CreateUncheckedClient();

        var unknown = await McpConnection.PostRawAsync(http, Call("get_agent", """{"agent_id":"a","note":"\ud800"}"""));
        unknown.Answer!.Value.GetProperty("result").GetProperty("structuredContent").Str("message")
            .Should().Be("note must be valid Unicode text (an unpaired surrogate is not)");

        var meta = await McpConnection.PostRawAsync(http,
            """{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"get_agent","arguments":{"agent_id":"a"},"_meta":{"x":"\ud800"}}}""");
        var error = meta.Answer!.Value.GetProperty("error");
        error.GetProperty("code").GetInt32().Should().Be(-32602);
        error.GetProperty("message").GetString().Should().Contain("unpaired surrogate");

        var initialize = await McpConnection.PostRawAsync(http,
            """{"jsonrpc":"2.0","id":9,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"\udc00","version":"1"}}}""");
        initialize.Answer!.Value.GetProperty("error").GetProperty("code").GetInt32().Should().Be(-32602);

        logs.Entries.Should().NotContain(e => e.Exception != null || e.Level >= LogLevel.Warning);
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_tool_call_logs_no_more_than_the_REST_request_it_wraps(StoreKind store)
    {
        var logs = new LogCollector();
        await using var api = await KubeAgentsApi.StartAsync(store, configureServices: services => services.AddSingleton<ILoggerProvider>(logs));
        var rest = api.CreateWireClient();
        await using var mcp = await McpConnection.ConnectAsync(api);
        var agent = Unique("mcp-logs");
        await rest.ReportAsync(agent, "warm-up", "running", api.Clock.GetUtcNow());
        await mcp.CallToolAsync("get_agent", new Dictionary<string, object?> { ["agent_id"] = agent });

        var restLines = await LinesOfAsync(logs, () => rest.ReportAsync(agent, "t", "running", api.Clock.GetUtcNow()));
        var mcpLines = await LinesOfAsync(logs, () => mcp.CallToolAsync("start_session", new Dictionary<string, object?> { ["agent_id"] = agent, ["session_topic"] = "t2" }).AsTask());
        var restRead = await LinesOfAsync(logs, () => rest.GetAsync(Path("api", "agents", agent, "sessions")));
        var mcpRead = await LinesOfAsync(logs, () => mcp.CallToolAsync("list_sessions", new Dictionary<string, object?> { ["agent_id"] = agent }).AsTask());
        var restUnknown = await LinesOfAsync(logs, () => rest.GetRawAsync("/api/nothing-here"));
        var mcpUnknown = await LinesOfAsync(logs, async () =>
        {
            var call = () => mcp.CallToolAsync("delete_everything", new Dictionary<string, object?>()).AsTask();
            (await call.Should().ThrowAsync<ModelContextProtocol.McpException>()).Which.Message.Should().Contain("Unknown tool: 'delete_everything'");
        });

        mcpLines.Count.Should().BeLessThanOrEqualTo(restLines.Count, string.Join('\n', mcpLines));
        mcpRead.Count.Should().BeLessThanOrEqualTo(restRead.Count, string.Join('\n', mcpRead));
        mcpUnknown.Count.Should().BeLessThanOrEqualTo(restUnknown.Count, string.Join('\n', mcpUnknown));
        logs.Entries.Should().NotContain(e => e.Category.StartsWith("ModelContextProtocol", StringComparison.Ordinal) && e.Level < LogLevel.Warning);
    }

    private static async Task<IReadOnlyList<LogEntry>> LinesOfAsync(LogCollector logs, Func<Task> action)
    {
        var before = logs.Entries.Count;
        await action();
        return [.. logs.Entries.Skip(before)];
    }
}
