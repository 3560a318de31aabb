using System.Net;
using KubeAgents.TestSupport;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

[Collection(ApiCollection.Name)]
public class ReportingTests(ApiFixture fixture)
{
    private async Task<(KubeAgentsApi Api, WireClient Client)> StartAsync(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        return (api, api.CreateWireClient());
    }

    [SkippableTheory]
    [BothStores]
    public async Task Accepted_report_answers_the_original_success_body(StoreKind store)
    {
        var (_, client) = await StartAsync(store);

        var (status, body) = await client.ReportRawAsync(new
        {
            agent_id = Unique("agent"),
            session_topic = "build",
            status = "running",
            timestamp = "2026-11-27T10:00:00Z",
        });

        status.Should().Be(HttpStatusCode.OK);
        body.ToString().Should().Be("""{"success":true,"message":"Status reported successfully"}""");
    }

    [SkippableTheory]
    [BothStores]
    public async Task First_report_registers_the_agent_and_opens_the_session(StoreKind store)
    {
        var (api, client) = await StartAsync(store);
        var agentId = Unique("agent");
        var now = api.Clock.GetUtcNow();

        await client.ReportAsync(agentId, "build", "running", now, message: "compiling", agentName: "Cursor", agentSource: "ide");

        var agent = await client.GetAsync(Path("api", "agents", agentId));
        agent.PropertyNames().Should().Equal(
            "agent_id", "name", "source", "registered", "last_seen", "session_count", "active_session_count", "latest_status", "latest_message");
        agent.Str("agent_id").Should().Be(agentId);
        agent.Str("name").Should().Be("Cursor");
        agent.Str("source").Should().Be("ide");
        agent.Time("registered").Should().Be(now);
        agent.Time("last_seen").Should().Be(now);
        agent.GetProperty("session_count").GetInt32().Should().Be(1);
        agent.GetProperty("active_session_count").GetInt32().Should().Be(1);
        agent.Str("latest_status").Should().Be("running");
        agent.Str("latest_message").Should().Be("compiling");

        var session = (await client.GetAsync(Path("api", "agents", agentId, "sessions", "build"))).GetProperty("session");
        session.PropertyNames().Should().Equal(
            "agent_id", "session_topic", "created", "last_updated", "expired", "ttl_minutes", "current_status", "running_since");
        session.Time("created").Should().Be(now);
        session.GetProperty("expired").GetBoolean().Should().BeFalse();
        session.GetProperty("ttl_minutes").GetInt32().Should().Be(30);
        session.Str("current_status").Should().Be("running");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Later_reports_move_last_seen_and_keep_name_and_source_unless_given(StoreKind store)
    {
        var (api, client) = await StartAsync(store);
        var agentId = Unique("agent");
        var registered = api.Clock.GetUtcNow();
        await client.ReportAsync(agentId, "build", "running", registered, agentName: "Cursor", agentSource: "ide");

        api.Clock.Advance(TimeSpan.FromMinutes(1));
        await client.ReportAsync(agentId, "build", "running", api.Clock.GetUtcNow(), agentName: "", agentSource: null);
        var agent = await client.GetAsync(Path("api", "agents", agentId));
        agent.Str("name").Should().Be("Cursor");
        agent.Str("source").Should().Be("ide");
        agent.Time("registered").Should().Be(registered);
        agent.Time("last_seen").Should().Be(registered.AddMinutes(1));

        await client.ReportAsync(agentId, "build", "running", api.Clock.GetUtcNow(), agentName: "Cursor Pro");
        (await client.GetAsync(Path("api", "agents", agentId))).Str("name").Should().Be("Cursor Pro");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Ttl_override_sticks_and_zero_keeps_it(StoreKind store)
    {
        var (api, client) = await StartAsync(store);
        var agentId = Unique("agent");

        await client.ReportAsync(agentId, "t", "running", api.Clock.GetUtcNow(), ttlMinutes: 90);
        await client.ReportAsync(agentId, "t", "running", api.Clock.GetUtcNow(), ttlMinutes: 0);
        await client.ReportAsync(agentId, "t", "running", api.Clock.GetUtcNow());

        var session = (await client.GetAsync(Path("api", "agents", agentId, "sessions", "t"))).GetProperty("session");
        session.GetProperty("ttl_minutes").GetInt32().Should().Be(90);
    }

    [SkippableTheory]
    [BothStores]
    public async Task Out_of_order_report_is_kept_in_history_but_does_not_change_the_status(StoreKind store)
    {
        var (api, client) = await StartAsync(store);
        var agentId = Unique("agent");
        var t0 = api.Clock.GetUtcNow();
        await client.ReportAsync(agentId, "t", "success", t0.AddMinutes(5), message: "done");

        await client.ReportAsync(agentId, "t", "running", t0, message: "late arrival");

        var detail = await client.GetAsync(Path("api", "agents", agentId, "sessions", "t"));
        detail.GetProperty("session").Str("current_status").Should().Be("success");
        detail.Items("status_history").Select(e => e.Str("status")).Should().Equal("success", "running");
        var agent = await client.GetAsync(Path("api", "agents", agentId));
        agent.Str("latest_status").Should().Be("success");
        agent.Str("latest_message").Should().Be("done");
        (await client.GetAsync(Path("api", "agents", agentId, "status"))).Str("message").Should().Be("done");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Offsets_are_instants_and_come_back_in_utc(StoreKind store)
    {
        var (_, client) = await StartAsync(store);
        var agentId = Unique("agent");
        var (status, body) = await client.ReportRawAsync(new
        {
            agent_id = agentId,
            session_topic = "t",
            status = "running",
            timestamp = "2026-11-27T18:00:00+08:00",
        });
        status.Should().Be(HttpStatusCode.OK, body.ToString());
        // 18:00+08:00 is 10:00Z; a 09:30Z report is older, so it must not become current.
        await client.ReportAsync(agentId, "t", "failed", DateTimeOffset.Parse("2026-11-27T09:30:00Z", System.Globalization.CultureInfo.InvariantCulture));

        var latest = await client.GetAsync(Path("api", "agents", agentId, "status"));
        latest.Str("status").Should().Be("running");
        latest.Str("timestamp").Should().Be("2026-11-27T10:00:00Z");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Report_text_round_trips_exactly(StoreKind store)
    {
        var (_, client) = await StartAsync(store);
        var agentId = Unique("agent");
        var content = "line 1\nline 2\t\"quoted\" <b>&amp;</b> 😀 " + new string('中', 100);

        await client.ReportAsync(agentId, "t", "running", KubeAgentsApi.Epoch, message: "héllo ✓", content: content);

        var latest = await client.GetAsync(Path("api", "agents", agentId, "status"));
        latest.PropertyNames().Should().Equal("agent_id", "session_topic", "status", "timestamp", "message", "content");
        latest.Str("message").Should().Be("héllo ✓");
        latest.Str("content").Should().Be(content);
    }

    [SkippableTheory]
    [BothStores]
    public async Task Body_is_read_as_json_whatever_the_content_type(StoreKind store)
    {
        var (_, client) = await StartAsync(store);
        var agentId = Unique("agent");
        var json = $$"""{"agent_id":"{{agentId}}","session_topic":"t","status":"running","timestamp":"2026-11-27T10:00:00Z"}""";

        (await client.PostRawAsync("/webhook/status", json, "application/x-www-form-urlencoded")).Status.Should().Be(HttpStatusCode.OK);
        (await client.PostRawAsync("/webhook/status", json, "text/plain")).Status.Should().Be(HttpStatusCode.OK);
    }
}
