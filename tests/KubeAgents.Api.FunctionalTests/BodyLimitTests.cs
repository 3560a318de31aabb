using System.Net;
using System.Text;
using System.Text.Json;
using KubeAgents.TestSupport;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>Request bodies are bounded before they are read, and a key means one thing.</summary>
[Collection(ApiCollection.Name)]
public class BodyLimitTests(ApiFixture fixture)
{
    private const int Cap = 128 * 1024;

    [SkippableTheory]
    [BothStores]
    public async Task The_largest_valid_report_escaped_as_u_sequences_is_accepted(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var agentId = Unique("big") + new string('中', 100 - 17);
        // Every character escaped as \uXXXX, as Python's json.dumps does by default: 6 bytes a character.
        var body = "{" + string.Join(',', new (string Key, string Value)[]
        {
            ("agent_id", agentId),
            ("agent_name", new string('名', 200)),
            ("agent_source", new string('源', 200)),
            ("session_topic", new string('题', 500)),
            ("status", "running"),
            ("timestamp", "2026-11-27T10:00:00.1234567+08:00"),
            ("message", new string('消', 1000)),
            ("content", new string('内', 10000)),
        }.Select(f => $"\"{f.Key}\":\"{EscapeAll(f.Value)}\"")) + ",\"ttl_minutes\":1440}";
        Encoding.UTF8.GetByteCount(body).Should().BeGreaterThan(64 * 1024).And.BeLessThan(Cap);

        var (status, answer) = await client.PostRawAsync("/webhook/status", body);

        status.Should().Be(HttpStatusCode.OK, answer.ToString());
        (await client.GetAsync(Path("api", "agents", agentId))).Str("agent_id").Should().Be(agentId);
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_body_over_the_cap_is_a_413_even_as_an_unknown_field(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var agentId = Unique("huge");
        var body = "{\"agent_id\":\"" + agentId + "\",\"session_topic\":\"t\",\"status\":\"running\",\"timestamp\":\"2026-11-27T10:00:00Z\",\"extra\":\"";
        body += new string('x', Cap + 1 - body.Length - 2) + "\"}";
        Encoding.UTF8.GetByteCount(body).Should().Be(Cap + 1);

        var (status, answer) = await client.PostRawAsync("/webhook/status", body);

        status.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        answer.PropertyNames().Should().Equal("error", "message");
        answer.Str("error").Should().Be("payload_too_large");
        (await client.GetRawAsync(Path("api", "agents", agentId))).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_30_MB_announced_body_is_refused_before_it_is_sent(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var server = client.Http.BaseAddress!;

        // The head announces 30 MB but only a few bytes follow: the answer must come without the rest.
        var (status, answer) = await RawHttp.SendAsync(
            server,
            $"POST /webhook/status HTTP/1.0\r\nHost: {server.Authority}\r\nContent-Type: application/json\r\nContent-Length: {30 * 1024 * 1024}\r\n\r\n",
            Encoding.UTF8.GetBytes("{\"agent_id\":\""));

        status.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        answer.Str("error").Should().Be("payload_too_large");
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_chunked_body_over_the_cap_is_a_413(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var agentId = Unique("chunk");
        var body = Encoding.UTF8.GetBytes("{\"agent_id\":\"" + agentId + "\",\"session_topic\":\"t\",\"status\":\"running\",\"timestamp\":\"2026-11-27T10:00:00Z\",\"extra\":\"" + new string('x', Cap) + "\"}");
        using var content = new StreamContent(new MemoryStream(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhook/status") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.Http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Str("error").Should().Be("payload_too_large");
        (await client.GetRawAsync(Path("api", "agents", agentId))).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [SkippableTheory]
    [InlineData(StoreKind.Postgres, "agent_id")]
    [InlineData(StoreKind.Postgres, "session_topic")]
    [InlineData(StoreKind.Postgres, "status")]
    [InlineData(StoreKind.Postgres, "AGENT_ID")]
    [MemberData(nameof(DuplicateKeysOnTheOtherStore))]
    public async Task A_duplicate_key_is_a_400_naming_it(StoreKind store, string duplicate)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var victim = Unique("dup");
        var second = duplicate switch
        {
            "status" => "\"status\":\"failed\"",
            "session_topic" => "\"session_topic\":\"other\"",
            _ => $"\"{duplicate}\":\"{Unique("other")}\"",
        };
        var body = "{\"agent_id\":\"" + victim + "\",\"session_topic\":\"t\",\"status\":\"running\",\"timestamp\":\"2026-11-27T10:00:00Z\"," + second + "}";

        var (status, answer) = await client.PostRawAsync("/webhook/status", body);

        status.Should().Be(HttpStatusCode.BadRequest, answer.ToString());
        answer.Str("error").Should().Be("bad_request");
        answer.Str("message").Should().Contain("duplicate").And.Contain(duplicate.ToLowerInvariant());
        (await client.GetRawAsync(Path("api", "agents", victim))).Status.Should().Be(HttpStatusCode.NotFound);
    }

    public static TheoryData<StoreKind, string> DuplicateKeysOnTheOtherStore()
    {
        var other = new BothStoresAttribute().GetData(null!).Select(row => (StoreKind)row[0]).Single(s => s != StoreKind.Postgres);
        return new TheoryData<StoreKind, string> { { other, "agent_id" }, { other, "status" } };
    }

    private static string EscapeAll(string value) =>
        string.Concat(value.Select(c => $"\\u{(int)c:x4}"));
}
