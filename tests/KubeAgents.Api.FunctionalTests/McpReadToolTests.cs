using System.Net;
using System.Text.Json;
using KubeAgents.TestSupport;
using KubeAgents.TestSupport.Contract;
using ModelContextProtocol.Client;
using NJsonSchema;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// The reading tools against the REST API they wrap: paging equal entry for entry, output schemas taken
/// from the OpenAPI document and met by every result, and the one leniency MCP has (ADR-007).
/// </summary>
[Collection(ApiCollection.Name)]
public class McpReadToolTests(ApiFixture fixture)
{
    [SkippableTheory]
    [BothStores]
    public async Task Paging_through_2500_entries_by_MCP_equals_paging_by_REST_entry_for_entry(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var rest = api.CreateWireClient();
        await using var mcp = await McpConnection.ConnectAsync(api);
        var agent = Unique("mcp-2500");
        var start = api.Clock.GetUtcNow();
        // 2,000 entries on one session, 500 over five others; some timestamps equal (ties go by arrival).
        var reports = Enumerable.Range(0, 2500)
            .Select(i => (Topic: i % 5 == 0 ? $"small-{i % 25 / 5}" : "big", Status: i % 7 == 0 ? "pending" : "running", At: start.AddSeconds(i / 2)))
            .ToList();
        foreach (var chunk in reports.Chunk(50))
        {
            await Task.WhenAll(chunk.Select(r => rest.ReportAsync(agent, r.Topic, r.Status, r.At)));
        }

        var history = await BothWaysAsync(mcp, rest, "get_history", new() { ["agent_id"] = agent, ["limit"] = 250 },
            Path("api", "agents", agent, "history") + "?limit=250", "next_cursor", "cursor");
        history.SelectMany(p => p.Items("status_history")).Should().HaveCount(2500);

        var pending = await BothWaysAsync(mcp, rest, "get_history", new() { ["agent_id"] = agent, ["status"] = "pending", ["limit"] = 100 },
            Path("api", "agents", agent, "history") + "?status=pending&limit=100", "next_cursor", "cursor");
        pending.SelectMany(p => p.Items("status_history")).Should().HaveCount(reports.Count(r => r.Status == "pending"));

        var big = await BothWaysAsync(mcp, rest, "get_session", new() { ["agent_id"] = agent, ["session_topic"] = "big", ["history_limit"] = 300 },
            Path("api", "agents", agent, "sessions", "big") + "?history_limit=300", "next_history_cursor", "history_cursor");
        big.SelectMany(p => p.Items("status_history")).Should().HaveCount(2000);

        var sessions = await BothWaysAsync(mcp, rest, "list_sessions", new() { ["agent_id"] = agent, ["limit"] = 4 },
            Path("api", "agents", agent, "sessions") + "?limit=4", "next_cursor", "cursor");
        sessions.SelectMany(p => p.Items("sessions")).Select(s => s.Str("session_topic")).Should().HaveCount(6).And.OnlyHaveUniqueItems();

        // Past every session's TTL: expired=false leaves them all out, as REST's expired=false does.
        api.Clock.Advance(TimeSpan.FromMinutes(31));
        var live = await BothWaysAsync(mcp, rest, "list_sessions", new() { ["agent_id"] = agent, ["expired"] = false },
            Path("api", "agents", agent, "sessions") + "?expired=false", "next_cursor", "cursor");
        live.Single().Items("sessions").Should().BeEmpty();
        var all = await BothWaysAsync(mcp, rest, "list_sessions", new() { ["agent_id"] = agent, ["expired"] = true },
            Path("api", "agents", agent, "sessions"), "next_cursor", "cursor");
        all.Single().Items("sessions").Should().HaveCount(6).And.OnlyContain(s => s.GetProperty("expired").GetBoolean());
    }

    /// <summary>Every page through the tool and through REST, asserted equal page by page; returns the pages.</summary>
    private static async Task<List<JsonElement>> BothWaysAsync(
        McpClient mcp, WireClient rest, string tool, Dictionary<string, object?> arguments, string restPath, string nextField, string cursorArgument)
    {
        var pages = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var args = new Dictionary<string, object?>(arguments);
            if (cursor is not null)
            {
                args[cursorArgument] = cursor;
            }

            var result = await mcp.CallToolAsync(tool, args);
            result.IsError.Should().NotBe(true, result.Text());
            var page = result.StructuredContent!.Value;
            var separator = restPath.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var restPage = await rest.GetAsync(cursor is null ? restPath : $"{restPath}{separator}{cursorArgument}={Uri.EscapeDataString(cursor)}");
            JsonSerializer.Serialize(page).Should().Be(JsonSerializer.Serialize(restPage), $"page {pages.Count + 1} of {tool}");
            pages.Add(page);
            cursor = page.TryGetProperty(nextField, out var next) ? next.GetString() : null;
        }
        while (cursor is not null && pages.Count < 100);

        return pages;
    }

    [SkippableTheory]
    [BothStores]
    public async Task Every_result_success_or_error_validates_against_its_tools_output_schema(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        await using var mcp = await McpConnection.ConnectAsync(api);
        var tools = (await mcp.ListToolsAsync()).ToDictionary(t => t.Name, t => t.ProtocolTool);
        var agent = Unique("mcp-schema");
        var calls = new (string Tool, Dictionary<string, object?> Arguments, bool Fails)[]
        {
            ("start_session", new() { ["agent_id"] = agent, ["session_topic"] = "t", ["ttl_minutes"] = 5, ["agent_name"] = "n" }, false),
            ("report_status", new() { ["agent_id"] = agent, ["session_topic"] = "t", ["status"] = "pending", ["content"] = "c" }, false),
            ("end_session", new() { ["agent_id"] = agent, ["session_topic"] = "t", ["status"] = "success", ["message"] = "m" }, false),
            ("start_session", new() { ["agent_id"] = agent, ["session_topic"] = "u" }, false),
            ("list_agents", new() { ["search"] = agent }, false),
            ("get_agent", new() { ["agent_id"] = agent }, false),
            ("list_sessions", new() { ["agent_id"] = agent, ["limit"] = 1 }, false),
            ("get_session", new() { ["agent_id"] = agent, ["session_topic"] = "t", ["history_limit"] = 1 }, false),
            ("get_history", new() { ["agent_id"] = agent }, false),
            ("get_agent_status", new() { ["agent_id"] = agent }, false),
            ("start_session", new() { ["agent_id"] = agent }, true),
            ("report_status", new() { ["agent_id"] = agent, ["session_topic"] = "t", ["status"] = "done" }, true),
            ("end_session", new() { ["agent_id"] = agent, ["session_topic"] = "t", ["status"] = "running" }, true),
            ("list_agents", new() { ["limit"] = 0 }, true),
            ("get_agent", new() { ["agent_id"] = "nobody-" + agent }, true),
            ("list_sessions", new() { ["agent_id"] = "nobody-" + agent }, true),
            ("get_session", new() { ["agent_id"] = agent, ["session_topic"] = "none" }, true),
            ("get_history", new() { ["agent_id"] = agent, ["cursor"] = "not-a-cursor" }, true),
            ("get_agent_status", new() { ["agent_id"] = "nobody-" + agent }, true),
        };
        calls.Select(c => c.Tool).Distinct().Should().BeEquivalentTo(tools.Keys, "every tool is checked");

        foreach (var (tool, arguments, fails) in calls)
        {
            var result = await mcp.CallToolAsync(tool, arguments);
            (result.IsError == true).Should().Be(fails, $"{tool}: {result.Text()}");
            var schema = await JsonSchema.FromJsonAsync(tools[tool].OutputSchema!.Value.GetRawText());
            var errors = schema.Validate(JsonSerializer.Serialize(result.StructuredContent!.Value));
            errors.Should().BeEmpty($"{tool} answered {result.StructuredContent}");
        }
    }

    [SkippableFact]
    public async Task Output_schemas_are_the_OpenAPI_documents_response_schemas()
    {
        var api = await fixture.GetAsync(StoreKind.Sqlite);
        await using var mcp = await McpConnection.ConnectAsync(api);
        var operations = new Dictionary<string, string>
        {
            ["start_session"] = "post /webhook/status", ["report_status"] = "post /webhook/status", ["end_session"] = "post /webhook/status",
            ["list_agents"] = "get /api/agents", ["get_agent"] = "get /api/agents/{agent_id}",
            ["list_sessions"] = "get /api/agents/{agent_id}/sessions", ["get_session"] = "get /api/agents/{agent_id}/sessions/{session_topic}",
            ["get_history"] = "get /api/agents/{agent_id}/history", ["get_agent_status"] = "get /api/agents/{agent_id}/status",
        };

        foreach (var tool in await mcp.ListToolsAsync())
        {
            var schema = tool.ProtocolTool.OutputSchema!.Value;
            schema.Str("type").Should().Be("object", "clients before 2026-07-28 require an object schema");
            var (method, path) = (operations[tool.Name].Split(' ')[0], operations[tool.Name].Split(' ')[1]);
            var operation = ContractDocument.Document.Paths[path][method];
            var success = operation.ActualResponses["200"].Content["application/json"].Schema.ActualSchema;
            var error = operation.ActualResponses["400"].Content["application/json"].Schema.ActualSchema;
            var branches = schema.Items("anyOf");

            branches.Should().HaveCount(2, tool.Name);
            PropertyNames(branches[0]).Should().BeEquivalentTo(success.ActualProperties.Keys, tool.Name);
            Required(branches[0]).Should().BeEquivalentTo(success.RequiredProperties, tool.Name);
            PropertyNames(branches[1]).Should().BeEquivalentTo(error.ActualProperties.Keys, tool.Name);
            schema.GetRawText().Should().NotContain("$ref").And.NotContain("x-enum").And.NotContain("nullable");
        }
    }

    private static string[] PropertyNames(JsonElement schema) => [.. schema.GetProperty("properties").EnumerateObject().Select(p => p.Name)];

    private static string[] Required(JsonElement schema) => [.. schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()!)];

    [SkippableTheory]
    [BothStores]
    public async Task Numeric_and_boolean_strings_are_taken_by_the_tools_while_REST_stays_strict(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var rest = api.CreateWireClient();
        await using var mcp = await McpConnection.ConnectAsync(api);
        var agent = Unique("mcp-strings");

        var started = await mcp.CallToolAsync("start_session", new Dictionary<string, object?> { ["agent_id"] = agent, ["session_topic"] = "t", ["ttl_minutes"] = "60" });
        started.IsError.Should().NotBe(true, started.Text());
        (await rest.GetAsync(Path("api", "agents", agent, "sessions", "t"))).GetProperty("session").GetProperty("ttl_minutes").GetInt32().Should().Be(60);

        var listed = await mcp.CallToolAsync("list_sessions", new Dictionary<string, object?> { ["agent_id"] = agent, ["expired"] = "false", ["limit"] = "1" });
        JsonSerializer.Serialize(listed.StructuredContent).Should().Be(JsonSerializer.Serialize(
            await rest.GetAsync(Path("api", "agents", agent, "sessions") + "?expired=false&limit=1")));

        var yes = await mcp.CallToolAsync("list_sessions", new Dictionary<string, object?> { ["agent_id"] = agent, ["expired"] = "yes" });
        yes.Text().Should().Be("expired must be true or false");

        var (status, body) = await rest.ReportRawAsync(new
        {
            agent_id = agent, session_topic = "t", status = "running", timestamp = "2026-11-27T10:00:00Z", ttl_minutes = "60",
        });
        status.Should().Be(HttpStatusCode.BadRequest);
        body.Str("message").Should().Be("ttl_minutes must be an integer");
    }
}
