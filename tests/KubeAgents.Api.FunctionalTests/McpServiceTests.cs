using System.Data.Common;
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
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// MCP tools on a service of their own: a write path that refuses, a store that is busy or down, a small
/// rate limit (the official C# and TypeScript clients); each refusal names its wait and the same client
/// session goes on after it. Scopes: <c>ApiKeys/McpKeyTests</c>.
/// </summary>
public partial class McpServiceTests
{
    [SkippableTheory]
    [BothStores]
    public async Task A_full_write_queue_is_an_unavailable_tool_error_naming_the_wait_and_the_same_client_goes_on(StoreKind store)
    {
        // The first two reports (REST's, then the tool's) find the queue full.
        await using var api = await KubeAgentsApi.StartAsync(store, configureServices: services => QueueFull.Replace(services, refusals: 2));
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
        await using var api = await KubeAgentsApi.StartAsync(store, new Dictionary<string, string?> { ["RATE_LIMIT_PER_MINUTE"] = "8" });

        var output = await RunTypeScriptClientAsync(api, "mcp/limits.mjs");

        output.Should().Contain("WAIT 60").And.EndWith("OK");
    }

    [SkippableTheory]
    [BothStores]
    public async Task The_TypeScript_SDK_gets_overloads_as_unavailable_errors_naming_the_wait_and_goes_on_after_each(StoreKind store)
    {
        // The first tool call finds the store busy at its scope check (the HTTP exception handler's 503), the
        // next one a full write queue (the tool's own); in the "outage" step every key lookup (no cache) fails.
        var outage = new KeyLookupOutage(store);
        await using var api = await KubeAgentsApi.StartWithKeyAsync(store, new Dictionary<string, string?> { ["API_KEY_CACHE_SECONDS"] = "0" }, services =>
        {
            services.AddSingleton<IToolAuthorizer, BusyOnce>();
            QueueFull.Replace(services, refusals: 1);
            services.AddSingleton<IInterceptor>(outage);
        });

        var output = await RunTypeScriptClientAsync(api, "mcp/unavailable.mjs", new Dictionary<string, Action>
        {
            ["outage"] = () => outage.Down = true,
            ["recovered"] = () => outage.Down = false,
        });

        output.Should().Equal("WAIT 5", "WAIT 1", "STEP outage", "STEP recovered", "WAIT 5", "OK");
    }

    /// <summary>
    /// Runs a script of tests/typescript-client (the official TypeScript SDK) against the service (with its
    /// key, if any) to its end and returns what it printed. When the script prints "WAIT n", the service's
    /// clock moves by n seconds, and when it prints "STEP name", that step runs, before it reads its next line.
    /// </summary>
    private static async Task<List<string>> RunTypeScriptClientAsync(KubeAgentsApi api, string script, IReadOnlyDictionary<string, Action>? steps = null)
    {
        var clientDirectory = System.IO.Path.Combine(ContractDocument.RepositoryRoot(), "tests", "typescript-client");
        var missing = await NodePackages.InstallAsync(clientDirectory);
        Skip.If(missing is not null && !NodePackages.Required, missing);
        missing.Should().BeNull("the TypeScript MCP client is required here (CI or KUBEAGENTS_REQUIRE_NODE=1)");
        using var http = api.CreateClient();

        var info = new ProcessStartInfo("node", script)
        {
            WorkingDirectory = clientDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["KUBEAGENTS_URL"] = http.BaseAddress!.ToString(), ["KUBEAGENTS_API_KEY"] = api.Key },
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
                else if (line.StartsWith("STEP ", StringComparison.Ordinal))
                {
                    steps![line[5..]]();
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

        node.ExitCode.Should().Be(0, string.Join('\n', output) + '\n' + await stderr);
        return output;
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_store_outage_on_a_request_that_is_not_a_tool_call_is_a_JSON_RPC_error_naming_the_wait_and_the_same_client_goes_on(StoreKind store)
    {
        // Every request looks its key up (no cache): during the outage, authentication finds the store down, before the MCP server sees tools/list.
        var outage = new KeyLookupOutage(store);
        await using var api = await KubeAgentsApi.StartWithKeyAsync(
            store, new Dictionary<string, string?> { ["API_KEY_CACHE_SECONDS"] = "0" }, services => services.AddSingleton<IInterceptor>(outage));
        await using var mcp = await McpConnection.ConnectAsync(api, apiKey: api.Key);
        using var http = api.CreateClient();
        outage.Down = true;

        var listing = () => mcp.ListToolsAsync().AsTask();
        var refused = (await listing.Should().ThrowAsync<McpProtocolException>("a request that is not a tool call gets a JSON-RPC error")).Which;
        var (status, answer) = await McpConnection.PostRawAsync(http, """{"jsonrpc":"2.0","id":7,"method":"tools/list"}""");

        ((int)refused.ErrorCode).Should().Be(-32000);
        refused.Message.Should().Contain("the database is unavailable; retry later (retry after 5 s)");
        status.Should().Be(HttpStatusCode.OK, "answered in-protocol");
        var error = answer!.Value.GetProperty("error");
        error.GetProperty("code").GetInt32().Should().Be(-32000);
        error.Str("message").Should().Be("the database is unavailable; retry later (retry after 5 s)");
        JsonSerializer.Serialize(error.GetProperty("data")).Should().Be("""{"error":"unavailable","message":"the database is unavailable; retry later"}""");

        outage.Down = false;
        api.Clock.Advance(TimeSpan.FromSeconds(5));
        (await mcp.ListToolsAsync()).Should().HaveCount(9, "the same client session goes on");
        var after = await mcp.CallToolAsync("list_agents", new Dictionary<string, object?>());
        after.IsError.Should().NotBe(true, after.Text());
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

    /// <summary>The first <paramref name="refusals"/> reports find the queue full; the next ones go to the real pipeline.</summary>
    private sealed class QueueFull(IReportWriter pipeline, int refusals) : IReportWriter
    {
        private int _calls;

        public static void Replace(IServiceCollection services, int refusals)
        {
            var pipeline = services.Last(d => d.ServiceType == typeof(IReportWriter));
            services.AddSingleton<IReportWriter>(provider => new QueueFull((IReportWriter)pipeline.ImplementationFactory!(provider), refusals));
        }

        public Task WriteAsync(IncomingReport report, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) <= refusals
                ? throw new ServiceUnavailableException("the write queue is full; retry later")
                : pipeline.WriteAsync(report, cancellationToken);
    }

    /// <summary>While down, the store fails the API key lookups as a store in an outage does (SQLite busy; PostgreSQL's connection lost).</summary>
    private sealed class KeyLookupOutage(StoreKind store) : DbCommandInterceptor
    {
        private volatile bool _down;

        public bool Down
        {
            get => _down;
            set => _down = value;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
            _down && command.CommandText.Contains("api_keys", StringComparison.Ordinal)
                ? throw (store == StoreKind.Sqlite ? new SqliteException("database is locked", 5) : new NpgsqlException("Exception while reading from stream", new IOException("Connection reset by peer")))
                : base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}
