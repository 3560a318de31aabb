using System.Net;
using KubeAgents.Api.Routing;
using KubeAgents.TestSupport;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

[Collection(ApiCollection.Name)]
public class ValidationTests(ApiFixture fixture)
{
    private const string Valid = "\"agent_id\":\"{0}\",\"session_topic\":\"t\",\"status\":\"running\",\"timestamp\":\"2026-11-27T10:00:00Z\"";

    /// <summary>Bodies that must be refused, with what the message must contain (the field it names).</summary>
    private static readonly (string Body, string Expect)[] Cases =
        [
            ("", "request body"),
            ("null", "request body"),
            ("[]", "request body"),
            ("42", "request body"),
            ("\"text\"", "request body"),
            ("{", "JSON"),
            ("{\"agent_id\":}", "JSON"),
            ("{" + Valid + ",}", "JSON"),
            ("{\"session_topic\":\"t\",\"status\":\"running\",\"timestamp\":\"2026-11-27T10:00:00Z\"}", "agent_id is required"),
            ("{\"agent_id\":null,\"session_topic\":\"t\",\"status\":\"running\",\"timestamp\":\"2026-11-27T10:00:00Z\"}", "agent_id is required"),
            ("{\"agent_id\":\"\",\"session_topic\":\"t\",\"status\":\"running\",\"timestamp\":\"2026-11-27T10:00:00Z\"}", "agent_id is required"),
            ("{\"agent_id\":\"{0}\",\"status\":\"running\",\"timestamp\":\"2026-11-27T10:00:00Z\"}", "session_topic is required"),
            ("{\"agent_id\":\"{0}\",\"session_topic\":\"t\",\"timestamp\":\"2026-11-27T10:00:00Z\"}", "status is required"),
            ("{\"agent_id\":\"{0}\",\"session_topic\":\"t\",\"status\":\"running\"}", "timestamp is required"),
            ("{\"agent_id\":42,\"session_topic\":\"t\",\"status\":\"running\",\"timestamp\":\"2026-11-27T10:00:00Z\"}", "agent_id must be a string"),
            ("{\"agent_id\":\"{0}\",\"session_topic\":[\"t\"],\"status\":\"running\",\"timestamp\":\"2026-11-27T10:00:00Z\"}", "session_topic must be a string"),
            ("{\"agent_id\":\"{0}\",\"session_topic\":\"t\",\"status\":\"done\",\"timestamp\":\"2026-11-27T10:00:00Z\"}", "status must be one of"),
            ("{\"agent_id\":\"{0}\",\"session_topic\":\"t\",\"status\":\"RUNNING\",\"timestamp\":\"2026-11-27T10:00:00Z\"}", "status must be one of"),
            ("{\"agent_id\":\"{0}\",\"session_topic\":\"t\",\"status\":1,\"timestamp\":\"2026-11-27T10:00:00Z\"}", "status must be one of"),
            ("{\"agent_id\":\"{0}\",\"session_topic\":\"t\",\"status\":\"running\",\"timestamp\":\"2026-11-27T10:00:00\"}", "timestamp must be an RFC 3339"),
            ("{\"agent_id\":\"{0}\",\"session_topic\":\"t\",\"status\":\"running\",\"timestamp\":\"2026-11-27 10:00:00Z\"}", "timestamp must be an RFC 3339"),
            ("{\"agent_id\":\"{0}\",\"session_topic\":\"t\",\"status\":\"running\",\"timestamp\":1764237600}", "timestamp must be an RFC 3339"),
            ("{" + Valid + ",\"ttl_minutes\":\"30\"}", "ttl_minutes must be an integer"),
            ("{" + Valid + ",\"ttl_minutes\":1.5}", "ttl_minutes must be an integer"),
            ("{" + Valid + ",\"ttl_minutes\":99999999999}", "ttl_minutes must be an integer"),
            ("{" + Valid + ",\"ttl_minutes\":-1}", "ttl_minutes must be 0"),
            ("{" + Valid + ",\"ttl_minutes\":1441}", "ttl_minutes must be 0"),
            ("{" + Valid + ",\"message\":" + Quote(new string('m', 1001)) + "}", "message must be at most 1000"),
            ("{" + Valid + ",\"content\":" + Quote(new string('c', 10001)) + "}", "content must be at most 10000"),
            ("{" + Valid + ",\"agent_name\":" + Quote(new string('n', 201)) + "}", "agent_name must be at most 200"),
            ("{" + Valid + ",\"agent_source\":" + Quote(new string('s', 201)) + "}", "agent_source must be at most 200"),
            ("{\"agent_id\":\"{0}\",\"session_topic\":" + Quote(new string('中', 501)) + ",\"status\":\"running\",\"timestamp\":\"2026-11-27T10:00:00Z\"}", "session_topic must be at most 500"),
            ("{" + Valid + ",\"message\":\"a\\u0000b\"}", "message must not contain NUL"),
            ("{\"agent_id\":\"{0}\\u0000\",\"session_topic\":\"t\",\"status\":\"running\",\"timestamp\":\"2026-11-27T10:00:00Z\"}", "agent_id must not contain NUL"),
        ];

    /// <summary>Each case by its index, so test names stay short.</summary>
    public static TheoryData<StoreKind, int> BadBodies()
    {
        var data = new TheoryData<StoreKind, int>();
        foreach (var store in Enum.GetValues<StoreKind>())
        {
            for (var i = 0; i < Cases.Length; i++)
            {
                data.Add(store, i);
            }
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_report_is_a_400_naming_the_problem_and_stores_nothing(StoreKind store, int index)
    {
        var (body, expected) = Cases[index];
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var agentId = Unique("bad");

        var (status, answer) = await client.PostRawAsync("/webhook/status", body.Replace("{0}", agentId, StringComparison.Ordinal));

        status.Should().Be(HttpStatusCode.BadRequest);
        answer.PropertyNames().Should().Equal("error", "message");
        answer.Str("error").Should().Be("bad_request");
        answer.Str("message").Should().Contain(expected);
        (await client.GetRawAsync(Path("api", "agents", agentId))).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [SkippableTheory]
    [BothStores]
    public async Task Every_limit_is_inclusive_and_counts_characters(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var agentId = Unique("limit") + new string('é', 80);
        var topic = new string('中', 500);

        await client.ReportAsync(
            agentId, topic, "running", KubeAgentsApi.Epoch,
            message: new string('m', 1000), agentName: new string('名', 200), agentSource: new string('s', 200),
            ttlMinutes: 1440, content: string.Concat(Enumerable.Repeat("😀", 5000)));

        var detail = await client.GetAsync(Path("api", "agents", agentId, "sessions", topic));
        detail.GetProperty("session").Str("session_topic").Should().Be(topic);
        detail.Items("status_history").Single().Str("content").Should().HaveLength(10000);
    }

    [SkippableTheory]
    [BothStores]
    public async Task Unknown_fields_are_ignored(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();

        var body = "{" + Valid.Replace("{0}", Unique("x"), StringComparison.Ordinal) + ",\"extra\":{\"nested\":true}}";

        var (status, _) = await client.PostRawAsync("/webhook/status", body);

        status.Should().Be(HttpStatusCode.OK);
    }

    /// <summary>
    /// MVC validates nothing itself (the Application does), and its metadata says so, so it does not
    /// walk a bound body: a validator provider added to MVC would be skipped by that metadata.
    /// </summary>
    [SkippableFact]
    public async Task MVC_has_no_validator_of_its_own_and_its_metadata_says_so()
    {
        var api = await fixture.GetAsync(StoreKind.Sqlite);
        var mvc = api.Services.GetRequiredService<IOptions<MvcOptions>>().Value;
        mvc.ModelValidatorProviders.Should().BeEmpty();
        mvc.ModelMetadataDetailsProviders.OfType<NoModelValidation>().Should().ContainSingle();
    }

    private static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}
