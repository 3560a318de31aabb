using System.Net;
using System.Text.Json;
using KubeAgents.TestSupport;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using NJsonSchema;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// The MCP endpoint through the official C# client (ModelContextProtocol) over real Kestrel: each tool's
/// effect is read back through REST, and its structured content is the REST answer, byte for byte.
/// </summary>
[Collection(ApiCollection.Name)]
public class McpToolTests(ApiFixture fixture)
{
    private static readonly string[] ToolNames =
        ["start_session", "report_status", "end_session", "list_agents", "get_agent", "list_sessions", "get_session", "get_history", "get_agent_status"];

    private async Task<(KubeAgentsApi Api, WireClient Wire, McpClient Mcp)> StartAsync(StoreKind store, string? protocolVersion = null)
    {
        var api = await fixture.GetAsync(store);
        var mcp = await McpConnection.ConnectAsync(api, protocolVersion);
        return (api, api.CreateWireClient(), mcp);
    }

    private static async Task<CallToolResult> CallAsync(McpClient mcp, string tool, Dictionary<string, object?> arguments)
    {
        var result = await mcp.CallToolAsync(tool, arguments);
        result.IsError.Should().NotBe(true, Text(result));
        return result;
    }

    private static async Task<CallToolResult> CallFailingAsync(McpClient mcp, string tool, Dictionary<string, object?> arguments)
    {
        var result = await mcp.CallToolAsync(tool, arguments);
        result.IsError.Should().BeTrue(Text(result));
        return result;
    }

    private static string Text(CallToolResult result) => result.Text();

    private static string Json(JsonElement? element) => JsonSerializer.Serialize(element);

    [SkippableTheory]
    [InlineData(StoreKind.Sqlite, null)]
    [InlineData(StoreKind.Sqlite, "2025-11-25")]
    [InlineData(StoreKind.Sqlite, "2025-06-18")]
    public async Task Clients_connect_with_and_without_the_initialize_handshake_and_see_the_nine_tools(StoreKind store, string? protocolVersion)
    {
        var (_, _, mcp) = await StartAsync(store, protocolVersion);
        await using var _1 = mcp;

        mcp.ServerInfo!.Name.Should().Be("kubeagents");
        mcp.ServerInstructions!.Should().Contain("start_session").And.Contain("end_session");
        // Without a pinned version the client tries the handshake-less 2026-07-28 revision first.
        mcp.NegotiatedProtocolVersion.Should().Be(protocolVersion ?? "2026-07-28");

        var tools = await mcp.ListToolsAsync();
        tools.Select(t => t.Name).Should().BeEquivalentTo(ToolNames);
        tools.Should().OnlyContain(t => !string.IsNullOrWhiteSpace(t.Description));
    }

    [SkippableFact]
    public async Task Input_schemas_state_the_contract_limits()
    {
        var (_, _, mcp) = await StartAsync(StoreKind.Sqlite);
        await using var _1 = mcp;
        var tools = (await mcp.ListToolsAsync()).ToDictionary(t => t.Name, t => t.ProtocolTool);

        var start = tools["start_session"];
        start.Description.Should().Contain("begin a task");
        Required(start).Should().BeEquivalentTo("agent_id", "session_topic");
        Property(start, "agent_id").GetProperty("maxLength").GetInt32().Should().Be(100);
        Property(start, "agent_id").GetProperty("minLength").GetInt32().Should().Be(1);
        Property(start, "session_topic").GetProperty("maxLength").GetInt32().Should().Be(500);
        Property(start, "message").GetProperty("maxLength").GetInt32().Should().Be(1000);
        Property(start, "agent_name").GetProperty("maxLength").GetInt32().Should().Be(200);
        Property(start, "agent_source").GetProperty("maxLength").GetInt32().Should().Be(200);
        Property(start, "ttl_minutes").GetProperty("minimum").GetInt32().Should().Be(0);
        Property(start, "ttl_minutes").GetProperty("maximum").GetInt32().Should().Be(1440);
        start.Annotations!.DestructiveHint.Should().BeFalse();

        var report = tools["report_status"];
        report.Description.Should().Contain("milestones");
        Required(report).Should().BeEquivalentTo("agent_id", "session_topic", "status");
        Enum(Property(report, "status")).Should().Equal("running", "pending", "success", "failed");
        Property(report, "content").GetProperty("maxLength").GetInt32().Should().Be(10000);

        var end = tools["end_session"];
        end.Description.Should().Contain("done").And.Contain("failed");
        Required(end).Should().BeEquivalentTo("agent_id", "session_topic", "status");
        Enum(Property(end, "status")).Should().Equal("success", "failed");

        var list = tools["list_agents"];
        Required(list).Should().BeEmpty();
        Enum(Property(list, "status")).Should().Contain(["running", "pending", "success", "failed"]);
        Property(list, "limit").GetProperty("minimum").GetInt32().Should().Be(1);
        Property(list, "limit").GetProperty("maximum").GetInt32().Should().Be(1000);
        list.Annotations!.ReadOnlyHint.Should().BeTrue();

        Required(tools["get_agent"]).Should().Equal("agent_id");
        Required(tools["get_agent_status"]).Should().Equal("agent_id");
        Required(tools["get_session"]).Should().BeEquivalentTo("agent_id", "session_topic");
        Property(tools["get_session"], "history_limit").GetProperty("maximum").GetInt32().Should().Be(1000);
        Property(tools["get_session"], "history_cursor").GetProperty("type").ToString().Should().Contain("string");
        tools["get_session"].Description.Should().Contain("history_cursor").And.Contain("get_history");

        var sessions = tools["list_sessions"];
        Required(sessions).Should().Equal("agent_id");
        Property(sessions, "expired").GetProperty("type").ToString().Should().Contain("boolean");
        Property(sessions, "limit").GetProperty("maximum").GetInt32().Should().Be(1000);
        sessions.Description.Should().Contain("get_session").And.Contain("next_cursor");

        var history = tools["get_history"];
        Required(history).Should().Equal("agent_id");
        Enum(Property(history, "status")).Should().Contain(["running", "pending", "success", "failed"]);
        history.Description.Should().Contain("across all its sessions").And.Contain("get_session");
        tools.Values.Where(t => t.Name.StartsWith("get_", StringComparison.Ordinal) || t.Name.StartsWith("list_", StringComparison.Ordinal))
            .Should().OnlyContain(t => t.Annotations!.ReadOnlyHint == true);
    }

    [SkippableFact]
    public async Task An_optional_enum_argument_takes_an_explicit_null_by_its_schema_and_by_the_server()
    {
        var (_, _, mcp) = await StartAsync(StoreKind.Sqlite);
        await using var _1 = mcp;
        var tools = (await mcp.ListToolsAsync()).ToDictionary(t => t.Name, t => t.ProtocolTool);
        var agent = Unique("mcp-null-status");
        await CallAsync(mcp, "start_session", new() { ["agent_id"] = agent, ["session_topic"] = "t" });

        foreach (var tool in tools.Values)
        {
            var schema = await JsonSchema.FromJsonAsync(tool.InputSchema.GetRawText());
            foreach (var property in tool.InputSchema.GetProperty("properties").EnumerateObject())
            {
                var arguments = Required(tool).ToDictionary(name => name, name => (object?)(Enum(Property(tool, name), orNone: true).FirstOrDefault() ?? "x"));
                if (property.Value.TryGetProperty("default", out var fallback))
                {
                    arguments[property.Name] = fallback;
                    schema.Validate(JsonSerializer.Serialize(arguments)).Should().BeEmpty($"{tool.Name}.{property.Name}'s default meets its own schema");
                }

                if (property.Value.TryGetProperty("enum", out _) && property.Value.GetProperty("type").ToString().Contains("null", StringComparison.Ordinal))
                {
                    Enum(property.Value).Should().Contain((string?)null, $"{tool.Name}.{property.Name} is optional and takes null");
                }
            }
        }

        foreach (var name in new[] { "list_agents", "get_history" })
        {
            var schema = await JsonSchema.FromJsonAsync(tools[name].InputSchema.GetRawText());
            schema.Validate(JsonSerializer.Serialize(new { agent_id = agent, status = (string?)null })).Should().BeEmpty($"{name} declares null for status");
            schema.Validate(JsonSerializer.Serialize(new { agent_id = agent, status = "done" })).Should().NotBeEmpty($"{name} declares the four statuses");
            var result = await CallAsync(mcp, name, new() { ["agent_id"] = agent, ["status"] = null, ["search"] = agent });
            JsonSerializer.Serialize(result.StructuredContent).Should().Contain(agent, $"{name} takes status null as no filter");
        }

        (await mcp.CallToolAsync("get_history", new Dictionary<string, object?> { ["agent_id"] = agent, ["status"] = "done" })).IsError
            .Should().BeTrue("a value outside the enum is still refused");
    }

    private static JsonElement Property(Tool tool, string name) => tool.InputSchema.GetProperty("properties").GetProperty(name);

    private static string[] Required(Tool tool) =>
        tool.InputSchema.TryGetProperty("required", out var required) ? [.. required.EnumerateArray().Select(r => r.GetString()!)] : [];

    private static string?[] Enum(JsonElement property, bool orNone = false) =>
        orNone && !property.TryGetProperty("enum", out _) ? [] : [.. property.GetProperty("enum").EnumerateArray().Select(e => e.GetString())];

    [SkippableTheory]
    [BothStores]
    public async Task An_MCP_client_drives_a_whole_session_and_REST_shows_each_step(StoreKind store)
    {
        var (api, rest, mcp) = await StartAsync(store);
        await using var _1 = mcp;
        var agent = Unique("mcp-agent");
        const string topic = "fix login bug/PR #42 — 修复";
        var sessionPath = Path("api", "agents", agent, "sessions", topic);
        await using var events = await EventStreamClient.ConnectAsync(api.CreateClient(), $"/api/events?agent_id={Uri.EscapeDataString(agent)}");

        var started = await CallAsync(mcp, "start_session", new()
        {
            ["agent_id"] = agent, ["session_topic"] = topic, ["message"] = "reproducing",
            ["ttl_minutes"] = 60, ["agent_name"] = "Claude Code", ["agent_source"] = "cli",
        });
        Json(started.StructuredContent).Should().Be("""{"success":true,"message":"Status reported successfully"}""");
        Text(started).Should().Be($"session '{topic}' of agent '{agent}' is running");
        var startedAt = api.Clock.GetUtcNow();

        var session = await rest.GetAsync(sessionPath);
        session.GetProperty("session").Str("current_status").Should().Be("running");
        session.GetProperty("session").GetProperty("ttl_minutes").GetInt32().Should().Be(60);
        var first = session.Items("status_history").Single();
        first.Time("timestamp").Should().Be(startedAt, "a tool's report is stamped with the server's clock");
        first.Str("message").Should().Be("reproducing");
        var registered = await rest.GetAsync(Path("api", "agents", agent));
        registered.Str("name").Should().Be("Claude Code");
        registered.Str("source").Should().Be("cli");

        api.Clock.Advance(TimeSpan.FromMinutes(5));
        await CallAsync(mcp, "report_status", new()
        {
            ["agent_id"] = agent, ["session_topic"] = topic, ["status"] = "pending", ["message"] = "waiting for review", ["content"] = "PR #42",
        });
        (await rest.GetAsync(sessionPath)).GetProperty("session").Str("current_status").Should().Be("pending");

        api.Clock.Advance(TimeSpan.FromMinutes(5));
        await CallAsync(mcp, "report_status", new() { ["agent_id"] = agent, ["session_topic"] = topic, ["status"] = "running" });
        api.Clock.Advance(TimeSpan.FromMinutes(5));
        var ended = await CallAsync(mcp, "end_session", new()
        {
            ["agent_id"] = agent, ["session_topic"] = topic, ["status"] = "success", ["message"] = "merged", ["content"] = "PR #42 merged",
        });
        Text(ended).Should().Be($"session '{topic}' of agent '{agent}' is success");

        // The event stream saw each tool's report, as it sees the webhook's.
        var seen = await events.TakeAsync(5);
        seen.Select(e => e.Event).Should().Equal("agent_registered", "status", "status", "status", "status");
        seen.Skip(1).Select(e => e.Data.Str("status")).Should().Equal("running", "pending", "running", "success");
        seen[^1].Data.Str("session_topic").Should().Be(topic);
        seen[^1].Data.Str("current_status").Should().Be("success");

        var done = await rest.GetAsync(sessionPath);
        done.GetProperty("session").Str("current_status").Should().Be("success");
        done.Items("status_history").Select(e => e.Str("status")).Should().Equal("success", "running", "pending", "running");
        done.Items("status_history")[0].Time("timestamp").Should().Be(api.Clock.GetUtcNow());
        done.Items("status_history")[0].Str("content").Should().Be("PR #42 merged");

        // The read tools answer exactly what REST answers.
        var getSession = await CallAsync(mcp, "get_session", new() { ["agent_id"] = agent, ["session_topic"] = topic });
        Json(getSession.StructuredContent).Should().Be(JsonSerializer.Serialize(done));
        Text(getSession).Should().Be($"session '{topic}' of agent '{agent}': success, 4 history entries");

        var limited = await CallAsync(mcp, "get_session", new() { ["agent_id"] = agent, ["session_topic"] = topic, ["history_limit"] = 2 });
        Json(limited.StructuredContent).Should().Be(JsonSerializer.Serialize(await rest.GetAsync(sessionPath + "?history_limit=2")));

        var getAgent = await CallAsync(mcp, "get_agent", new() { ["agent_id"] = agent });
        Json(getAgent.StructuredContent).Should().Be(JsonSerializer.Serialize(await rest.GetAsync(Path("api", "agents", agent))));
        Text(getAgent).Should().Be($"agent '{agent}': success, 1 of 1 session(s) active");

        var status = await CallAsync(mcp, "get_agent_status", new() { ["agent_id"] = agent });
        Json(status.StructuredContent).Should().Be(JsonSerializer.Serialize(await rest.GetAsync(Path("api", "agents", agent, "status"))));
        Text(status).Should().Be($"agent '{agent}': success on '{topic}'");

        var listed = await CallAsync(mcp, "list_agents", new() { ["search"] = agent, ["status"] = "success" });
        Json(listed.StructuredContent).Should().Be(JsonSerializer.Serialize(await rest.GetAsync($"/api/agents?search={agent}&status=success")));
        Text(listed).Should().Be("1 agent(s)");
    }

    [SkippableTheory]
    [BothStores]
    public async Task List_agents_pages_with_the_REST_cursor(StoreKind store)
    {
        var (api, rest, mcp) = await StartAsync(store);
        await using var _1 = mcp;
        var prefix = Unique("mcp-page");
        foreach (var name in new[] { "a", "b", "c" })
        {
            api.Clock.Advance(TimeSpan.FromSeconds(1));
            await CallAsync(mcp, "start_session", new() { ["agent_id"] = $"{prefix}-{name}", ["session_topic"] = "t" });
        }

        var first = await CallAsync(mcp, "list_agents", new() { ["search"] = prefix, ["limit"] = 2 });
        Text(first).Should().Be("2 agent(s) (more: pass next_cursor as cursor)");
        var cursor = first.StructuredContent!.Value.Str("next_cursor");
        var second = await CallAsync(mcp, "list_agents", new() { ["search"] = prefix, ["limit"] = 2, ["cursor"] = cursor });

        Json(second.StructuredContent).Should().Be(JsonSerializer.Serialize(
            await rest.GetAsync($"/api/agents?search={prefix}&limit=2&cursor={Uri.EscapeDataString(cursor)}")));
        second.StructuredContent!.Value.Items("agents").Select(a => a.Str("agent_id")).Should().Equal($"{prefix}-a");
    }

    public static TheoryData<string, string> InvalidReports => new()
    {
        { """{"session_topic":"t"}""", "agent_id is required" },
        { """{"agent_id":null,"session_topic":"t"}""", "agent_id is required" },
        { """{"agent_id":"", "session_topic":"t"}""", "agent_id is required" },
        { $$"""{"agent_id":"{{new string('a', 101)}}","session_topic":"t"}""", "agent_id must be at most 100 characters (got 101)" },
        { $$"""{"agent_id":"a","session_topic":"{{new string('t', 501)}}"}""", "session_topic must be at most 500 characters (got 501)" },
        { """{"agent_id":"..","session_topic":"t"}""", "agent_id must not be '..': a dot segment cannot be read back from a URL path" },
        { """{"agent_id":"a\u0000b","session_topic":"t"}""", "agent_id must not contain NUL (\\u0000) characters" },
        { """{"agent_id":42,"session_topic":"t"}""", "agent_id must be a string" },
        { $$"""{"agent_id":"a","session_topic":"t","message":"{{new string('m', 1001)}}"}""", "message must be at most 1000 characters (got 1001)" },
        { $$"""{"agent_id":"a","session_topic":"t","agent_name":"{{new string('n', 201)}}"}""", "agent_name must be at most 200 characters (got 201)" },
        { """{"agent_id":"a","session_topic":"t","ttl_minutes":1441}""", "ttl_minutes must be 0 (keep the current TTL) or between 1 and 1440" },
        { """{"agent_id":"a","session_topic":"t","ttl_minutes":-1}""", "ttl_minutes must be 0 (keep the current TTL) or between 1 and 1440" },
        { """{"agent_id":"a","session_topic":"t","ttl_minutes":"6O"}""", "ttl_minutes must be an integer" },
        { """{"agent_id":"a","session_topic":"t","ttl_minutes":" 60"}""", "ttl_minutes must be an integer" },
        { """{"agent_id":"a","session_topic":"t","ttl_minutes":"060"}""", "ttl_minutes must be an integer" },
        { """{"agent_id":"a","session_topic":"t","ttl_minutes":"1e2"}""", "ttl_minutes must be an integer" },
        { """{"agent_id":"a","session_topic":"t","ttl_minutes":"99999999999"}""", "ttl_minutes must be an integer" },
        { """{"agent_id":"a","session_topic":"t","ttl_minutes":"1441"}""", "ttl_minutes must be 0 (keep the current TTL) or between 1 and 1440" },
        { """{"agent_id":"a","session_topic":"t","ttl_minutes":true}""", "ttl_minutes must be an integer" },
        { """{"agent_id":"a","session_topic":"t","ttl_minutes":1.5}""", "ttl_minutes must be an integer" },
    };

    [SkippableTheory]
    [MemberData(nameof(InvalidReports))]
    public async Task Invalid_start_session_is_a_tool_error_with_the_REST_message_and_changes_nothing(string arguments, string message)
    {
        foreach (var store in new[] { StoreKind.Sqlite, StoreKind.Postgres })
        {
            var (_, rest, mcp) = await StartAsync(store);
            await using var _1 = mcp;
            var args = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(arguments)!;
            if (args.TryGetValue("agent_id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == "a")
            {
                args["agent_id"] = JsonSerializer.SerializeToElement(Unique("mcp-invalid"));
            }

            var result = await CallFailingAsync(mcp, "start_session", args.ToDictionary(a => a.Key, a => (object?)a.Value));

            Text(result).Should().Be(message);
            Json(result.StructuredContent).Should().Be(JsonSerializer.Serialize(new { error = "bad_request", message }));
            if (args.GetValueOrDefault("agent_id") is { ValueKind: JsonValueKind.String } given
                && given.GetString() is { Length: > 0 and <= 100 } agentId && !agentId.Contains('\0') && agentId != "..")
            {
                (await rest.GetRawAsync(Path("api", "agents", agentId))).Status.Should().Be(HttpStatusCode.NotFound, "a refused report stores nothing");
            }
        }
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_tool_refuses_what_REST_refuses_in_the_same_words(StoreKind store)
    {
        var (_, rest, mcp) = await StartAsync(store);
        await using var _1 = mcp;
        var agent = Unique("mcp-same");
        var (status, body) = await rest.ReportRawAsync(new
        {
            agent_id = agent, session_topic = "t", status = "done", timestamp = "2026-11-27T10:00:00Z",
        });
        status.Should().Be(HttpStatusCode.BadRequest);

        var result = await CallFailingAsync(mcp, "report_status", new() { ["agent_id"] = agent, ["session_topic"] = "t", ["status"] = "done" });

        Json(result.StructuredContent).Should().Be(JsonSerializer.Serialize(body));
        Text(result).Should().Be("status must be one of: running, pending, success, failed");
        (await rest.GetRawAsync(Path("api", "agents", agent))).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [SkippableTheory]
    [BothStores]
    public async Task End_session_takes_only_success_or_failed(StoreKind store)
    {
        var (_, rest, mcp) = await StartAsync(store);
        await using var _1 = mcp;
        var agent = Unique("mcp-end");
        await CallAsync(mcp, "start_session", new() { ["agent_id"] = agent, ["session_topic"] = "t" });

        var result = await CallFailingAsync(mcp, "end_session", new() { ["agent_id"] = agent, ["session_topic"] = "t", ["status"] = "running" });
        Text(result).Should().Be("status must be one of: success, failed");
        var missing = await CallFailingAsync(mcp, "end_session", new() { ["agent_id"] = agent, ["session_topic"] = "t" });
        Text(missing).Should().Be("status is required");

        await CallAsync(mcp, "end_session", new() { ["agent_id"] = agent, ["session_topic"] = "t", ["status"] = "failed", ["message"] = "tests fail" });
        var session = await rest.GetAsync(Path("api", "agents", agent, "sessions", "t"));
        session.GetProperty("session").Str("current_status").Should().Be("failed");
        session.Items("status_history").Should().HaveCount(2);
    }

    [SkippableTheory]
    [BothStores]
    public async Task Read_tools_refuse_bad_paging_in_the_REST_words(StoreKind store)
    {
        var (_, rest, mcp) = await StartAsync(store);
        await using var _1 = mcp;

        foreach (var (tool, arguments, restPath) in new (string, Dictionary<string, object?>, string)[]
        {
            ("list_agents", new() { ["limit"] = 0 }, "/api/agents?limit=0"),
            ("list_agents", new() { ["limit"] = 1001 }, "/api/agents?limit=1001"),
            ("list_agents", new() { ["cursor"] = "not-a-cursor" }, "/api/agents?cursor=not-a-cursor"),
            ("list_agents", new() { ["status"] = "RUNNING" }, "/api/agents?status=RUNNING"),
        })
        {
            var (status, body) = await rest.GetRawAsync(restPath);
            status.Should().Be(HttpStatusCode.BadRequest);
            var result = await CallFailingAsync(mcp, tool, arguments);
            result.StructuredContent!.Value.Str("error").Should().Be("bad_request");
            body.Str("message").Should().StartWith(Text(result), "the tool says what REST says (REST may add the value it got)");
        }

        var history = await CallFailingAsync(mcp, "get_session", new() { ["agent_id"] = "a", ["session_topic"] = "t", ["history_limit"] = 0 });
        Text(history).Should().Be("history_limit must be between 1 and 1000");
        var nul = await CallFailingAsync(mcp, "get_agent", new() { ["agent_id"] = "a\0b" });
        Text(nul).Should().Be("agent_id must not contain NUL (\\u0000) characters");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Unknown_agents_and_sessions_are_not_found_tool_errors_with_the_REST_body(StoreKind store)
    {
        var (_, rest, mcp) = await StartAsync(store);
        await using var _1 = mcp;
        var nobody = Unique("mcp-nobody");
        var known = Unique("mcp-known");
        await CallAsync(mcp, "start_session", new() { ["agent_id"] = known, ["session_topic"] = "t" });

        foreach (var (tool, arguments, restPath) in new (string, Dictionary<string, object?>, string)[]
        {
            ("get_agent", new() { ["agent_id"] = nobody }, Path("api", "agents", nobody)),
            ("get_agent_status", new() { ["agent_id"] = nobody }, Path("api", "agents", nobody, "status")),
            ("get_session", new() { ["agent_id"] = nobody, ["session_topic"] = "t" }, Path("api", "agents", nobody, "sessions", "t")),
            ("get_session", new() { ["agent_id"] = known, ["session_topic"] = "other" }, Path("api", "agents", known, "sessions", "other")),
        })
        {
            var (status, body) = await rest.GetRawAsync(restPath);
            status.Should().Be(HttpStatusCode.NotFound);

            var result = await CallFailingAsync(mcp, tool, arguments);

            Json(result.StructuredContent).Should().Be(JsonSerializer.Serialize(body));
            Text(result).Should().Be(body.Str("message"));
        }
    }

    [SkippableFact]
    public async Task An_unknown_tool_is_an_error_not_a_crash()
    {
        var (_, _, mcp) = await StartAsync(StoreKind.Sqlite);
        await using var _1 = mcp;

        var call = async () => await mcp.CallToolAsync("delete_everything", new Dictionary<string, object?>());

        (await call.Should().ThrowAsync<ModelContextProtocol.McpException>()).Which.Message.Should().Contain("delete_everything");
    }

    [SkippableFact]
    public async Task The_endpoint_keeps_no_session_so_any_replica_can_answer()
    {
        var api = await fixture.GetAsync(StoreKind.Sqlite);
        using var http = api.CreateUncheckedClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}""",
                System.Text.Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.Contains("Mcp-Session-Id").Should().BeFalse();
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"kubeagents\"");
    }
}
