using KubeAgents.TestSupport;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// Requests Kestrel refuses before any middleware runs (a NUL in the path, a malformed request line,
/// oversized lines or headers) still get the contract's <c>{"error","message"}</c> body, with the
/// status Kestrel chose and the headers of every other error answer. Sent over a bare socket: HttpClient
/// would refuse to send most of them.
/// </summary>
[Collection(ApiCollection.Name)]
public class KestrelRefusalTests(ApiFixture fixture)
{
    [SkippableTheory]
    [BothStores]
    public async Task A_NUL_in_the_path_is_the_contract_400_with_the_error_headers(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var agentId = Unique("nul");
        await client.ReportAsync(agentId, "t", "running", api.Clock.GetUtcNow());

        foreach (var target in new[] { "/api/agents/a%00b", "/api/agents/%00/status", $"/api/agents/{agentId}/sessions/t%00", "/webhook/status%00", "/agents/%00", "/api/keys/%00" })
        {
            var answer = await RawHttp.ExchangeAsync(client.Http.BaseAddress!, $"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", untilClosed: true);

            answer.Status.Should().Be(400, target);
            answer.Values("Content-Type").Should().Equal(["application/json; charset=utf-8"], target);
            answer.Values("X-Content-Type-Options").Should().Equal(["nosniff"], target);
            answer.Values("Cache-Control").Should().Equal(["no-store"], target);
            answer.Values("Content-Length").Should().Equal([answer.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)], target);
            var body = answer.Json();
            body.PropertyNames().Should().Equal("error", "message");
            body.Str("error").Should().Be("bad_request");
            body.Str("message").Should().Contain("%00");
        }
    }

    [SkippableFact]
    public async Task Every_request_Kestrel_refuses_keeps_its_status_and_gets_the_contract_body()
    {
        var api = await fixture.GetAsync(StoreKind.Sqlite);
        var server = api.CreateWireClient().Http.BaseAddress!;
        var cases = new (string Request, int Status, string Error)[]
        {
            ("GARBAGE\r\nHost: x\r\n\r\n", 400, "bad_request"),
            ("GET /health HTTP/1.1\r\nConnection: close\r\n\r\n", 400, "bad_request"),
            ("GET /health HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", 400, "bad_request"),
            ($"GET /{new string('a', 9000)} HTTP/1.1\r\nHost: x\r\n\r\n", 414, "bad_request"),
            ($"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {new string('a', 40000)}\r\n\r\n", 431, "bad_request"),
            ("GET /health HTTP/3.0\r\nHost: x\r\n\r\n", 505, "bad_request"),
            ("POST /webhook/status HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400, "bad_request"),
        };

        foreach (var (request, status, error) in cases)
        {
            var answer = await RawHttp.ExchangeAsync(server, request, untilClosed: true);

            answer.Status.Should().Be(status, request[..Math.Min(40, request.Length)]);
            answer.Values("Content-Type").Should().Equal(["application/json; charset=utf-8"]);
            answer.Values("X-Content-Type-Options").Should().Equal(["nosniff"]);
            answer.Json().Str("error").Should().Be(error);
        }
    }

    [SkippableFact]
    public async Task A_refusal_after_answered_requests_on_the_same_connection_gets_the_body_and_leaves_the_answers_before_it_alone()
    {
        var api = await fixture.GetAsync(StoreKind.Sqlite);
        var server = api.CreateWireClient().Http.BaseAddress!;
        // Two ordinary answers first (one with a body Kestrel writes in pieces), then the refusal, on one connection.
        var request = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n" +
                      "GET /api/agents?limit=100 HTTP/1.1\r\nHost: x\r\n\r\n" +
                      "GET /api/agents/a%00b HTTP/1.1\r\nHost: x\r\n\r\n";

        var answer = await RawHttp.ExchangeAsync(server, request, untilClosed: true);

        answer.Status.Should().Be(200);
        var rest = System.Text.Encoding.Latin1.GetString(answer.Body);
        var refusal = rest.IndexOf("HTTP/1.1 400 Bad Request\r\n", StringComparison.Ordinal);
        refusal.Should().BePositive(rest);
        rest[..refusal].Should().Contain("HTTP/1.1 200 OK\r\n").And.Contain("\"agents\"");
        rest[refusal..].Should().Contain("X-Content-Type-Options: nosniff")
            .And.EndWith("\"message\":\"the request cannot be read: its request line or a header is malformed (a NUL, %00, in the path is one cause)\"}");
    }
}
