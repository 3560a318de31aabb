using System.Net;
using System.Text;
using System.Text.Json;
using KubeAgents.TestSupport;
using ModelContextProtocol.Client;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>
/// <c>/mcp</c> with <c>AUTH_MODE=keys</c>, through the official client: no key or a revoked key is the
/// REST API's 401; the writing tools need <c>report</c>, the reading tools <c>read</c>, and a tool the key
/// may not call is a tool error in the REST API's 403 words that changes nothing.
/// </summary>
[Collection(KeysModeCollection.Name)]
public class McpKeyTests(KeysModeFixture keysMode)
{
    private const string InitializeBody =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    [SkippableTheory]
    [BothStores]
    public async Task Without_a_valid_key_the_endpoint_answers_the_REST_401(StoreKind store)
    {
        var service = await keysMode.GetAsync(store);

        foreach (var key in new[] { null, service.Keys["revoked"], "ka_unknown0_" + new string('x', 43) })
        {
            using var http = service.CreateClient(key);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(InitializeBody, Encoding.UTF8, "application/json") };
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            using var response = await http.SendAsync(request);

            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, key is null ? "no key" : "a revoked or unknown key");
            response.Headers.WwwAuthenticate.ToString().Should().StartWith("Bearer");
            var body = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
            body.GetProperty("error").GetString().Should().Be("unauthorized");
        }

        var connecting = () => McpConnection.ConnectAsync(service.Api);
        await connecting.Should().ThrowAsync<HttpRequestException>("the official client cannot initialize without a key");
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_read_key_reads_but_its_writing_tools_are_refused_and_store_nothing(StoreKind store)
    {
        var service = await keysMode.GetAsync(store);
        await using var mcp = await McpConnection.ConnectAsync(service.Api, apiKey: service.Keys["only-read"]);
        var topic = Unique("mcp-read-only");

        foreach (var tool in new[] { "start_session", "report_status", "end_session" })
        {
            var refused = await mcp.CallToolAsync(tool, new Dictionary<string, object?>
            {
                ["agent_id"] = KeysModeFixture.AgentId, ["session_topic"] = topic, ["status"] = "success",
            });

            refused.IsError.Should().BeTrue(tool);
            refused.Text().Should().Be("this key lacks the 'report' scope");
            refused.StructuredContent!.Value.Str("error").Should().Be("forbidden");
            refused.StructuredContent!.Value.Str("message").Should().Be("this key lacks the 'report' scope");
        }

        var agent = await mcp.CallToolAsync("get_agent", new Dictionary<string, object?> { ["agent_id"] = KeysModeFixture.AgentId });
        agent.IsError.Should().NotBe(true, agent.Text());
        using var reader = service.CreateClient(service.Keys["only-read"]);
        var sessions = await new WireClient(reader).GetAsync(Path("api", "agents", KeysModeFixture.AgentId, "sessions"));
        sessions.Items("sessions").Select(s => s.Str("session_topic")).Should().NotContain(topic, "a refused tool call stores nothing");
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_report_key_drives_a_session_but_may_not_read_through_the_tools(StoreKind store)
    {
        var service = await keysMode.GetAsync(store);
        await using var mcp = await McpConnection.ConnectAsync(service.Api, apiKey: service.Keys["only-report"]);
        var agentId = Unique("mcp-reporter");

        foreach (var (tool, status) in new[] { ("start_session", "running"), ("report_status", "pending"), ("end_session", "success") })
        {
            var result = await mcp.CallToolAsync(tool, new Dictionary<string, object?>
            {
                ["agent_id"] = agentId, ["session_topic"] = "release", ["status"] = status,
            });
            result.IsError.Should().NotBe(true, result.Text());
        }

        var refused = await mcp.CallToolAsync("get_session", new Dictionary<string, object?> { ["agent_id"] = agentId, ["session_topic"] = "release" });
        refused.IsError.Should().BeTrue();
        refused.Text().Should().Be("this key lacks the 'read' scope");

        using var reader = service.CreateClient(service.Keys["only-read"]);
        var session = await new WireClient(reader).GetAsync(Path("api", "agents", agentId, "sessions", "release"));
        session.Items("status_history").Select(e => e.Str("status")).Should().Equal("success", "pending", "running");
    }
}
