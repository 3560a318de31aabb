using System.Net;
using System.Text;
using KubeAgents.TestSupport;
using KubeAgents.TestSupport.Contract;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// The checker every functional test's traffic goes through (<see cref="ContractValidatingHandler"/>)
/// catches what it must: answers the service might give, played by a fake server.
/// </summary>
public class ContractValidationTests
{
    private const string Agent = """
        {"agent_id":"a","registered":"2026-11-27T10:00:00Z","last_seen":"2026-11-27T10:00:00Z","session_count":1,"active_session_count":1,"latest_status":"running"}
        """;

    [Fact]
    public async Task A_documented_answer_passes()
    {
        var (status, _) = await ExchangeAsync(HttpMethod.Get, "/api/agents/a", null, HttpStatusCode.OK, Agent);

        status.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("""{"session_count":"NaN"}""", "a string where an integer is declared")]
    [InlineData("""{"latest_status":null}""", "null where the member is declared optional, not nullable")]
    [InlineData("""{"latest_status":"done"}""", "a value outside the enum")]
    [InlineData("""{"registered":"yesterday"}""", "a date-time that is not one")]
    [InlineData("""{"extra":1}""", "an undeclared member")]
    [InlineData("""{"agent_id":null}""", "a required member as null")]
    public async Task An_undocumented_response_body_fails(string change, string because)
    {
        var body = Merge(Agent, change);

        var act = () => ExchangeAsync(HttpMethod.Get, "/api/agents/a", null, HttpStatusCode.OK, body);

        await act.Should().ThrowAsync<ContractViolationException>(because);
    }

    [Fact]
    public async Task An_undeclared_status_code_fails()
    {
        var act = () => ExchangeAsync(HttpMethod.Get, "/api/agents", null, HttpStatusCode.Conflict, """{"error":"conflict","message":"x"}""");

        (await act.Should().ThrowAsync<ContractViolationException>()).Which.Message.Should().Contain("status 409 is not declared");
    }

    [Fact]
    public async Task A_request_the_document_refuses_must_be_refused_by_the_service()
    {
        const string report = """{"agent_id":"a","session_topic":"t","status":"running","timestamp":"2026-11-27T10:00:00Z","ttl_minutes":5000}""";

        var accepted = () => ExchangeAsync(HttpMethod.Post, "/webhook/status", report, HttpStatusCode.OK, """{"success":true,"message":"ok"}""");
        (await accepted.Should().ThrowAsync<ContractViolationException>()).Which.Message.Should().Contain("stricter than the service");

        var refusedBefore = ContractTraffic.Refused;
        var (status, _) = await ExchangeAsync(HttpMethod.Post, "/webhook/status", report, HttpStatusCode.BadRequest, """{"error":"bad_request","message":"ttl_minutes"}""");
        status.Should().Be(HttpStatusCode.BadRequest);
        ContractTraffic.Refused.Should().BeGreaterThan(refusedBefore);
    }

    [Fact]
    public async Task A_query_value_outside_the_documented_range_is_a_refused_request()
    {
        var act = () => ExchangeAsync(HttpMethod.Get, "/api/agents?limit=1001", null, HttpStatusCode.OK, """{"agents":[]}""");

        await act.Should().ThrowAsync<ContractViolationException>();
    }

    [Fact]
    public async Task An_unknown_path_must_be_a_404_with_the_error_body()
    {
        (await ExchangeAsync(HttpMethod.Get, "/nowhere", null, HttpStatusCode.NotFound, """{"error":"not_found","message":"no such endpoint"}""")).Status
            .Should().Be(HttpStatusCode.NotFound);

        var act = () => ExchangeAsync(HttpMethod.Get, "/nowhere", null, HttpStatusCode.OK, "{}");
        await act.Should().ThrowAsync<ContractViolationException>();
    }

    [Fact]
    public async Task The_real_service_refuses_what_the_document_refuses()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite);
        var client = api.CreateWireClient();
        var refusedBefore = ContractTraffic.Refused;

        var (status, body) = await client.ReportRawAsync(new { agent_id = new string('a', 101), session_topic = "t", status = "running", timestamp = "2026-11-27T10:00:00Z" });

        status.Should().Be(HttpStatusCode.BadRequest, body.ToString());
        ContractTraffic.Refused.Should().BeGreaterThan(refusedBefore);
    }

    private static string Merge(string json, string change)
    {
        var target = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        foreach (var (key, value) in System.Text.Json.Nodes.JsonNode.Parse(change)!.AsObject())
        {
            target[key] = value?.DeepClone();
        }

        return target.ToJsonString();
    }

    private static async Task<(HttpStatusCode Status, string Body)> ExchangeAsync(HttpMethod method, string path, string? requestBody, HttpStatusCode status, string responseBody)
    {
        using var client = new HttpClient(new ContractValidatingHandler { InnerHandler = new FakeServer(status, responseBody) })
        {
            BaseAddress = new Uri("http://localhost:8080"),
        };
        using var request = new HttpRequestMessage(method, path);
        if (requestBody is not null)
        {
            request.Content = new StringContent(requestBody, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private sealed class FakeServer(HttpStatusCode status, string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
    }
}
