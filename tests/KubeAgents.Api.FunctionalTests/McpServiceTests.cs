using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using System.Text.Json;
using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Reports;
using KubeAgents.Api.Mcp;
using KubeAgents.TestSupport;
using KubeAgents.TestSupport.Contract;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// MCP tools on a service of their own: a write path that refuses, a small rate limit (the official C#
/// and TypeScript clients). Scopes: <c>ApiKeys/McpKeyTests</c>.
/// </summary>
public partial class McpServiceTests
{
    [SkippableTheory]
    [BothStores]
    public async Task A_full_write_queue_is_an_unavailable_tool_error_naming_the_wait_and_the_same_client_goes_on(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store, configureServices: services =>
        {
            var pipeline = services.Last(d => d.ServiceType == typeof(IReportWriter));
            services.AddSingleton<IReportWriter>(provider => new FullTwice((IReportWriter)pipeline.ImplementationFactory!(provider)));
        });
        await using var mcp = await McpConnection.ConnectAsync(api);
        var (status, body) = await api.CreateWireClient().ReportRawAsync(new
        {
            agent_id = "a", session_topic = "t", status = "running", timestamp = "2026-11-27T10:00:00Z",
        });
        status.Should().Be(HttpStatusCode.ServiceUnavailable);

        var result = await mcp.CallToolAsync("start_session", new Dictionary<string, object?> { ["agent_id"] = "a", ["session_topic"] = "t" });

        result.IsError.Should().BeTrue();
        JsonSerializer.Serialize(result.StructuredContent).Should().Be(JsonSerializer.Serialize(body));
        result.Text().Should().Be("the write queue is full; retry later (retry after 1 s)", "REST says when in Retry-After; a tool result has no headers");
        api.Clock.Advance(TimeSpan.FromSeconds(1));
        var again = await mcp.CallToolAsync("start_session", new Dictionary<string, object?> { ["agent_id"] = "a", ["session_topic"] = "t" });
        again.IsError.Should().NotBe(true, again.Text());
    }

    [SkippableTheory]
    [BothStores]
    public async Task An_overload_before_the_tool_runs_is_answered_in_protocol_naming_the_wait(StoreKind store)
    {
        // The 503 comes from the HTTP exception handler (here: the scope check finds its store busy), not from a tool.
        await using var api = await KubeAgentsApi.StartAsync(store, configureServices: services => services.AddSingleton<IToolAuthorizer, BusyOnce>());
        await using var mcp = await McpConnection.ConnectAsync(api);

        var refused = await mcp.CallToolAsync("list_agents", new Dictionary<string, object?>());

        refused.IsError.Should().BeTrue();
        JsonSerializer.Serialize(refused.StructuredContent).Should().Be("""{"error":"unavailable","message":"the database is unavailable; retry later"}""");
        refused.Text().Should().Be("the database is unavailable; retry later (retry after 5 s)");
        api.Clock.Advance(TimeSpan.FromSeconds(5));
        var after = await mcp.CallToolAsync("list_agents", new Dictionary<string, object?>());
        after.IsError.Should().NotBe(true, after.Text());
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_rate_limited_call_is_a_tool_error_naming_the_wait_and_the_same_client_goes_on_after_it(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store, new Dictionary<string, string?> { ["RATE_LIMIT_PER_MINUTE"] = "4" });
        await using var mcp = await McpConnection.ConnectAsync(api);
        CallToolResult? refused = null;
        for (var i = 0; i < 6 && refused is null; i++)
        {
            var result = await mcp.CallToolAsync("list_agents", new Dictionary<string, object?>());
            refused = result.IsError == true ? result : null;
        }

        refused.Should().NotBeNull("the fifth request of the minute is refused");
        refused!.StructuredContent!.Value.Str("error").Should().Be("rate_limited");
        var wait = int.Parse(RetryAfter().Match(refused.Text()).Groups[1].Value, CultureInfo.InvariantCulture);
        wait.Should().Be(60, "the clock has not moved since the window opened");
        var listing = () => mcp.ListToolsAsync().AsTask();
        (await listing.Should().ThrowAsync<McpProtocolException>("a request that is not a tool call gets a JSON-RPC error"))
            .Which.Message.Should().Contain($"retry after {wait} s");

        api.Clock.Advance(TimeSpan.FromSeconds(wait));
        var after = await mcp.CallToolAsync("list_agents", new Dictionary<string, object?>());
        after.IsError.Should().NotBe(true, after.Text());
        (await mcp.ListToolsAsync()).Should().HaveCount(9, "the same client session goes on");
    }

    [SkippableTheory]
    [BothStores]
    public async Task The_TypeScript_SDK_gets_limits_as_tool_errors_meets_every_output_schema_and_goes_on_after_the_wait(StoreKind store)
    {
        var clientDirectory = System.IO.Path.Combine(ContractDocument.RepositoryRoot(), "tests", "typescript-client");
        var missing = await NodePackages.InstallAsync(clientDirectory, "@modelcontextprotocol/sdk");
        Skip.If(missing is not null && !NodePackages.Required, missing);
        missing.Should().BeNull("the TypeScript MCP client is required here (CI or KUBEAGENTS_REQUIRE_NODE=1)");
        await using var api = await KubeAgentsApi.StartAsync(store, new Dictionary<string, string?> { ["RATE_LIMIT_PER_MINUTE"] = "8" });
        using var http = api.CreateClient();

        var info = new ProcessStartInfo("node", "mcp/limits.mjs")
        {
            WorkingDirectory = clientDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["KUBEAGENTS_URL"] = http.BaseAddress!.ToString() },
        };
        using var node = Process.Start(info)!;
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = new List<string>();
        try
        {
            while (await node.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                output.Add(line);
                if (line.StartsWith("WAIT ", StringComparison.Ordinal))
                {
                    api.Clock.Advance(TimeSpan.FromSeconds(int.Parse(line[5..], CultureInfo.InvariantCulture)));
                    await node.StandardInput.WriteLineAsync("go");
                }
            }

            await node.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
            }
        }

        var log = string.Join('\n', output) + '\n' + await stderr;
        node.ExitCode.Should().Be(0, log);
        output.Should().Contain("WAIT 60").And.EndWith("OK");
    }

    [GeneratedRegex(@"retry after (\d+) s")]
    private static partial Regex RetryAfter();

    [SkippableFact]
    public async Task A_database_outage_is_an_unavailable_tool_error_logged_as_a_warning_without_a_stack_trace()
    {
        var logs = new LogCollector();
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite, configureServices: services =>
        {
            services.AddSingleton<IReportWriter, LockedDatabase>();
            services.AddSingleton<ILoggerProvider>(logs);
        });
        await using var mcp = await McpConnection.ConnectAsync(api);

        var result = await mcp.CallToolAsync("start_session", new Dictionary<string, object?> { ["agent_id"] = "a", ["session_topic"] = "t" });

        result.IsError.Should().BeTrue();
        JsonSerializer.Serialize(result.StructuredContent).Should().Be("""{"error":"unavailable","message":"the database is unavailable; retry later"}""");
        var line = logs.Entries.Should().ContainSingle(e => e.Category.EndsWith("Errors.ErrorLog", StringComparison.Ordinal)).Subject;
        line.Level.Should().Be(LogLevel.Warning);
        line.Exception.Should().BeNull();
        line.Message.Should().Contain("start_session").And.Contain("database is locked");
        logs.Entries.Where(e => e.Level >= LogLevel.Error).Should().BeEmpty(string.Join('\n', logs.Entries));
    }

    private sealed class BusyOnce : IToolAuthorizer
    {
        private int _calls;

        public ValueTask<string?> RefusalAsync(System.Security.Claims.ClaimsPrincipal? user, string scope, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) == 1
                ? throw new ServiceUnavailableException("the database is unavailable; retry later") { RetryAfter = TimeSpan.FromSeconds(5) }
                : ValueTask.FromResult<string?>(null);
    }

    private sealed class LockedDatabase : IReportWriter
    {
        public Task WriteAsync(IncomingReport report, CancellationToken cancellationToken) =>
            throw new SqliteException("database is locked", 5);
    }

    /// <summary>The first two reports (REST's, then the tool's) find the queue full; the next ones go to the real pipeline.</summary>
    private sealed class FullTwice(IReportWriter pipeline) : IReportWriter
    {
        private int _calls;

        public Task WriteAsync(IncomingReport report, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) <= 2
                ? throw new ServiceUnavailableException("the write queue is full; retry later")
                : pipeline.WriteAsync(report, cancellationToken);
    }
}
