using System.Net;
using System.Text.Json;
using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Reports;
using KubeAgents.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>MCP tools on a service of their own: a write path that refuses. Scopes: <c>ApiKeys/McpKeyTests</c>.</summary>
public class McpServiceTests
{
    [SkippableTheory]
    [BothStores]
    public async Task A_full_write_queue_is_an_unavailable_tool_error_with_the_REST_body(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store, configureServices: services => services.AddSingleton<IReportWriter, FullQueue>());
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
    }

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
        var line = logs.Entries.Should().ContainSingle(e => e.Category.EndsWith("ToolCallFilter", StringComparison.Ordinal)).Subject;
        line.Level.Should().Be(LogLevel.Warning);
        line.Exception.Should().BeNull();
        line.Message.Should().Contain("start_session").And.Contain("database is locked");
        logs.Entries.Where(e => e.Level >= LogLevel.Error).Should().BeEmpty(string.Join('\n', logs.Entries));
    }

    private sealed class LockedDatabase : IReportWriter
    {
        public Task WriteAsync(IncomingReport report, CancellationToken cancellationToken) =>
            throw new SqliteException("database is locked", 5);
    }

    private sealed class FullQueue : IReportWriter
    {
        public Task WriteAsync(IncomingReport report, CancellationToken cancellationToken) =>
            throw new ServiceUnavailableException("the write queue is full; retry later");
    }
}
