using System.Net;
using KubeAgents.TestSupport;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>One meaning per path: what routing matched is what the handler reads, and every id or topic accepted can be read back.</summary>
[Collection(ApiCollection.Name)]
public class PathMeaningTests(ApiFixture fixture)
{
    /// <summary>Targets sent as written (curl --path-as-is); {v} is the victim agent, {a} the attacker.</summary>
    private static readonly string[] DotTargets =
        [
            "/api/agents/{v}/../{a}/status",
            "/api/agents/{v}/%2E%2E/{a}/status",
            "/api/agents/{v}/%2e%2e/{a}/status",
            "/api/agents/{v}/.%2E/{a}/status",
            "/api/agents/{v}/./status",
            "/api/agents/{v}/%2E/status",
            "/api/agents/{v}/./sessions/t",
            "/api/agents/{a}/sessions/../../{v}",
            "/api/agents/./{v}",
            "/api/agents/{v}/sessions/..",
            "/api/agents/{v}/sessions/%2E",
        ];

    public static TheoryData<StoreKind, int> DotCases()
    {
        var data = new TheoryData<StoreKind, int>();
        foreach (var store in new BothStoresAttribute().GetData(null!).Select(row => (StoreKind)row[0]))
        {
            for (var i = 0; i < DotTargets.Length; i++)
            {
                data.Add(store, i);
            }
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(DotCases))]
    public async Task Dot_segments_never_change_which_agent_or_session_is_answered(StoreKind store, int index)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var victim = Unique("victim");
        var attacker = Unique("attacker");
        await client.ReportAsync(victim, "t", "failed", api.Clock.GetUtcNow(), message: "victim's secret");
        await client.ReportAsync(victim, "sessions", "running", api.Clock.GetUtcNow());
        await client.ReportAsync(attacker, "t", "running", api.Clock.GetUtcNow());
        var target = DotTargets[index].Replace("{v}", victim, StringComparison.Ordinal).Replace("{a}", attacker, StringComparison.Ordinal);

        var (status, body) = await RawHttp.GetAsync(client.Http.BaseAddress!, target);

        status.Should().Be(HttpStatusCode.BadRequest, body.ToString());
        body.PropertyNames().Should().Equal("error", "message");
        body.Str("error").Should().Be("bad_request");
        body.Str("message").Should().Contain("dot segment");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Dots_that_are_not_whole_segments_are_ordinary_text(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var agentId = Unique("dots") + "...";
        await client.ReportAsync(agentId, "...", "running", api.Clock.GetUtcNow());
        await client.ReportAsync(agentId, ".hidden", "running", api.Clock.GetUtcNow());

        var (status, body) = await RawHttp.GetAsync(client.Http.BaseAddress!, $"/api/agents/{agentId}/sessions/...");
        status.Should().Be(HttpStatusCode.OK, body.ToString());
        body.GetProperty("session").Str("session_topic").Should().Be("...");
        (await client.GetAsync(Path("api", "agents", agentId, "sessions", ".hidden"))).GetProperty("session").Str("session_topic").Should().Be(".hidden");
    }

    [SkippableTheory]
    [InlineData(StoreKind.Postgres, "agent_id", ".")]
    [InlineData(StoreKind.Postgres, "agent_id", "..")]
    [InlineData(StoreKind.Postgres, "session_topic", ".")]
    [InlineData(StoreKind.Postgres, "session_topic", "..")]
    [MemberData(nameof(DotIdsOnTheOtherStore))]
    public async Task Dot_ids_and_topics_cannot_be_read_back_so_they_are_refused(StoreKind store, string field, string value)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var agentId = Unique("dotid");
        var report = new Dictionary<string, object>
        {
            ["agent_id"] = agentId,
            ["session_topic"] = "t",
            ["status"] = "running",
            ["timestamp"] = "2026-11-27T10:00:00Z",
        };
        report[field] = value;

        var (status, body) = await client.ReportRawAsync(report);

        status.Should().Be(HttpStatusCode.BadRequest, body.ToString());
        body.Str("error").Should().Be("bad_request");
        body.Str("message").Should().Contain(field).And.Contain("dot segment");
        (await client.GetRawAsync(Path("api", "agents", agentId))).Status.Should().Be(HttpStatusCode.NotFound);
    }

    /// <summary>The same cases on the embedded store, whatever its name.</summary>
    public static TheoryData<StoreKind, string, string> DotIdsOnTheOtherStore()
    {
        var data = new TheoryData<StoreKind, string, string>();
        var other = new BothStoresAttribute().GetData(null!).Select(row => (StoreKind)row[0]).Single(s => s != StoreKind.Postgres);
        foreach (var field in new[] { "agent_id", "session_topic" })
        {
            data.Add(other, field, ".");
            data.Add(other, field, "..");
        }

        return data;
    }

    [SkippableTheory]
    [BothStores]
    public async Task Whitespace_only_ids_and_topics_are_accepted_and_read_back(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var agentId = "  " + Unique("ws") + " ";
        await client.ReportAsync(agentId, " ", "running", api.Clock.GetUtcNow());
        await client.ReportAsync(agentId, "\t", "running", api.Clock.GetUtcNow());

        (await client.GetAsync(Path("api", "agents", agentId, "sessions", " "))).GetProperty("session").Str("session_topic").Should().Be(" ");
        (await client.GetAsync(Path("api", "agents", agentId, "sessions", "\t"))).GetProperty("session").Str("session_topic").Should().Be("\t");
        (await client.GetAsync(Path("api", "agents", agentId))).Str("agent_id").Should().Be(agentId);
    }
}
