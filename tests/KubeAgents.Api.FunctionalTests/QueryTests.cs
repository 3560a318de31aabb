using System.Net;
using KubeAgents.TestSupport;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

[Collection(ApiCollection.Name)]
public class QueryTests(ApiFixture fixture)
{
    private async Task<(KubeAgentsApi Api, WireClient Client)> StartAsync(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        return (api, api.CreateWireClient());
    }

    [SkippableTheory]
    [BothStores]
    public async Task Health_answers_ok_with_the_time(StoreKind store)
    {
        var (api, client) = await StartAsync(store);

        var health = await client.GetAsync("/health");

        health.PropertyNames().Should().Equal("status", "timestamp");
        health.Str("status").Should().Be("ok");
        health.Time("timestamp").Should().Be(api.Clock.GetUtcNow());
    }

    [SkippableTheory]
    [BothStores]
    public async Task Agents_are_listed_by_last_seen_newest_first(StoreKind store)
    {
        var (api, client) = await StartAsync(store);
        var prefix = Unique("order");
        foreach (var name in new[] { "b", "a", "c" })
        {
            api.Clock.Advance(TimeSpan.FromSeconds(1));
            await client.ReportAsync($"{prefix}-{name}", "t", "running", api.Clock.GetUtcNow());
        }

        api.Clock.Advance(TimeSpan.FromSeconds(1));
        await client.ReportAsync($"{prefix}-a", "t", "running", api.Clock.GetUtcNow());

        var agents = (await client.GetAsync($"/api/agents?search={prefix}")).Items("agents");
        agents.Select(a => a.Str("agent_id")).Should().Equal($"{prefix}-a", $"{prefix}-c", $"{prefix}-b");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Search_matches_id_or_name_case_insensitively(StoreKind store)
    {
        var (api, client) = await StartAsync(store);
        var marker = Unique("Srch");
        var now = api.Clock.GetUtcNow();
        await client.ReportAsync($"{marker}-by-id", "t", "running", now);
        await client.ReportAsync(Unique("other"), "t", "running", now, agentName: $"Named {marker.ToUpperInvariant()}");
        await client.ReportAsync(Unique("unrelated"), "t", "running", now);

        var found = (await client.GetAsync($"/api/agents?search={marker.ToLowerInvariant()}")).Items("agents");

        found.Should().HaveCount(2);
        found.Select(a => a.Str("agent_id")).Should().Contain($"{marker}-by-id");
        found.Where(a => a.TryGetProperty("name", out _)).Select(a => a.Str("name")).Should().Equal($"Named {marker.ToUpperInvariant()}");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Search_finds_a_renamed_agent_by_its_new_name_only(StoreKind store)
    {
        var (api, client) = await StartAsync(store);
        var agent = Unique("renamed");
        var before = Unique("OldName");
        var after = Unique("NewName");
        await client.ReportAsync(agent, "t", "running", api.Clock.GetUtcNow(), agentName: before);
        await client.ReportAsync(agent, "t", "running", api.Clock.GetUtcNow().AddSeconds(1), agentName: after);

        (await client.GetAsync($"/api/agents?search={after.ToLowerInvariant()}")).Items("agents").Select(a => a.Str("agent_id")).Should().Equal(agent);
        (await client.GetAsync($"/api/agents?search={before}")).Items("agents").Should().BeEmpty();
    }

    [SkippableTheory]
    [BothStores]
    public async Task Search_treats_like_wildcards_as_text(StoreKind store)
    {
        var (api, client) = await StartAsync(store);
        var marker = Unique("wild");
        await client.ReportAsync($"{marker}-100%_done", "t", "running", api.Clock.GetUtcNow());
        await client.ReportAsync($"{marker}-100x", "t", "running", api.Clock.GetUtcNow());

        var found = (await client.GetAsync($"/api/agents?search={Uri.EscapeDataString(marker + "-100%_")}")).Items("agents");

        found.Select(a => a.Str("agent_id")).Should().Equal($"{marker}-100%_done");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Status_filter_uses_the_latest_status_of_each_agent(StoreKind store)
    {
        var (api, client) = await StartAsync(store);
        var marker = Unique("filter");
        var now = api.Clock.GetUtcNow();
        await client.ReportAsync($"{marker}-done", "t", "running", now);
        await client.ReportAsync($"{marker}-done", "t", "success", now.AddSeconds(1));
        await client.ReportAsync($"{marker}-busy", "t", "running", now);

        var running = (await client.GetAsync($"/api/agents?status=running&search={marker}")).Items("agents");
        var success = (await client.GetAsync($"/api/agents?status=success&search={marker}")).Items("agents");

        running.Select(a => a.Str("agent_id")).Should().Equal($"{marker}-busy");
        success.Select(a => a.Str("agent_id")).Should().Equal($"{marker}-done");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Unknown_status_filter_is_a_400(StoreKind store)
    {
        var (_, client) = await StartAsync(store);

        var (status, body) = await client.GetRawAsync("/api/agents?status=done");

        status.Should().Be(HttpStatusCode.BadRequest);
        body.Str("error").Should().Be("bad_request");
        body.Str("message").Should().StartWith("status must be one of");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Unknown_agent_is_a_404_on_every_agent_endpoint(StoreKind store)
    {
        var (_, client) = await StartAsync(store);
        var missing = Unique("missing");

        foreach (var path in new[]
        {
            Path("api", "agents", missing),
            Path("api", "agents", missing, "sessions"),
            Path("api", "agents", missing, "sessions", "t"),
            Path("api", "agents", missing, "status"),
        })
        {
            var (status, body) = await client.GetRawAsync(path);
            status.Should().Be(HttpStatusCode.NotFound, path);
            body.PropertyNames().Should().Equal("error", "message");
            body.Str("error").Should().Be("not_found");
            body.Str("message").Should().Contain(missing);
        }
    }

    [SkippableTheory]
    [BothStores]
    public async Task Unknown_session_of_a_known_agent_is_a_404(StoreKind store)
    {
        var (api, client) = await StartAsync(store);
        var agentId = Unique("agent");
        await client.ReportAsync(agentId, "known", "running", api.Clock.GetUtcNow());

        var (status, body) = await client.GetRawAsync(Path("api", "agents", agentId, "sessions", "unknown"));

        status.Should().Be(HttpStatusCode.NotFound);
        body.Str("message").Should().Contain("unknown");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Sessions_are_listed_by_last_updated_newest_first(StoreKind store)
    {
        var (api, client) = await StartAsync(store);
        var agentId = Unique("agent");
        foreach (var topic in new[] { "first", "second", "third" })
        {
            api.Clock.Advance(TimeSpan.FromSeconds(1));
            await client.ReportAsync(agentId, topic, "running", api.Clock.GetUtcNow());
        }

        api.Clock.Advance(TimeSpan.FromSeconds(1));
        await client.ReportAsync(agentId, "first", "running", api.Clock.GetUtcNow());

        var sessions = (await client.GetAsync(Path("api", "agents", agentId, "sessions"))).Items("sessions");
        sessions.Select(s => s.Str("session_topic")).Should().Equal("first", "third", "second");
        (await client.GetAsync(Path("api", "agents", agentId))).GetProperty("session_count").GetInt32().Should().Be(3);
    }

    [SkippableTheory]
    [BothStores]
    public async Task Session_history_is_newest_first_with_every_field(StoreKind store)
    {
        var (api, client) = await StartAsync(store);
        var agentId = Unique("agent");
        var t0 = api.Clock.GetUtcNow();
        await client.ReportAsync(agentId, "t", "pending", t0);
        await client.ReportAsync(agentId, "t", "running", t0.AddSeconds(10), message: "go");
        await client.ReportAsync(agentId, "t", "success", t0.AddSeconds(20), message: "done", content: "report");

        var detail = await client.GetAsync(Path("api", "agents", agentId, "sessions", "t"));

        detail.PropertyNames().Should().Equal("session", "status_history");
        var history = detail.Items("status_history");
        history.Select(h => h.Str("status")).Should().Equal("success", "running", "pending");
        history[0].Str("agent_id").Should().Be(agentId);
        history[0].Str("session_topic").Should().Be("t");
        history[0].Time("timestamp").Should().Be(t0.AddSeconds(20));
        history[0].Str("content").Should().Be("report");
        history[2].PropertyNames().Should().Equal("agent_id", "session_topic", "status", "timestamp");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Latest_status_is_taken_over_all_sessions(StoreKind store)
    {
        var (api, client) = await StartAsync(store);
        var agentId = Unique("agent");
        var t0 = api.Clock.GetUtcNow();
        await client.ReportAsync(agentId, "newer", "failed", t0.AddMinutes(2), message: "boom");
        await client.ReportAsync(agentId, "older", "running", t0);

        var latest = await client.GetAsync(Path("api", "agents", agentId, "status"));

        latest.Str("session_topic").Should().Be("newer");
        latest.Str("status").Should().Be("failed");
        latest.Str("message").Should().Be("boom");
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("with spaces")]
    [InlineData("plus+sign")]
    [InlineData("colon:thing")]
    [InlineData("100%")]
    [InlineData("%2F")]
    [InlineData("%252F")]
    [InlineData("(parens)")]
    [InlineData("?query#hash")]
    [InlineData("中文 ✓ émoji 😀")]
    [InlineData("a/b/c d+e:f%g(h)")]
    public async Task Encoded_ids_and_topics_round_trip(string text)
    {
        var (api, client) = await StartAsync(StoreKind.Sqlite);
        var agentId = Unique("enc") + " " + text;
        await client.ReportAsync(agentId, text, "running", api.Clock.GetUtcNow());

        var detail = await client.GetAsync(Path("api", "agents", agentId, "sessions", text));
        detail.GetProperty("session").Str("session_topic").Should().Be(text);
        detail.GetProperty("session").Str("agent_id").Should().Be(agentId);
        (await client.GetAsync(Path("api", "agents", agentId))).Str("agent_id").Should().Be(agentId);
        (await client.GetAsync(Path("api", "agents", agentId, "sessions"))).Items("sessions").Single().Str("session_topic").Should().Be(text);
        (await client.GetAsync(Path("api", "agents", agentId, "status"))).Str("session_topic").Should().Be(text);
    }

    [SkippableFact]
    public async Task Encoded_topics_round_trip_on_postgres_too()
    {
        var (api, client) = await StartAsync(StoreKind.Postgres);
        var agentId = Unique("enc") + "/ä %25";
        const string topic = "a/b/c d+e:f%g(h) 中文 %2F";
        await client.ReportAsync(agentId, topic, "running", api.Clock.GetUtcNow());

        var detail = await client.GetAsync(Path("api", "agents", agentId, "sessions", topic));

        detail.GetProperty("session").Str("session_topic").Should().Be(topic);
    }

    [Fact]
    public async Task Unknown_route_and_wrong_method_answer_in_the_error_shape()
    {
        var (_, client) = await StartAsync(StoreKind.Sqlite);

        var (status, body) = await client.GetRawAsync("/api/nothing-here");
        status.Should().Be(HttpStatusCode.NotFound);
        body.Str("error").Should().Be("not_found");

        using var response = await client.Http.DeleteAsync("/health");
        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"error\":\"method_not_allowed\"");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Only_expired_false_leaves_expired_sessions_out_as_the_original_did(StoreKind store)
    {
        var (api, client) = await StartAsync(store);
        var agentId = Unique("agent");
        var now = api.Clock.GetUtcNow();
        await client.ReportAsync(agentId, "old", "running", now, ttlMinutes: 1);
        api.Clock.Advance(TimeSpan.FromMinutes(2));
        await client.ReportAsync(agentId, "live", "running", api.Clock.GetUtcNow());
        var sessions = Path("api", "agents", agentId, "sessions");

        (await client.GetAsync(sessions + "?expired=false")).Items("sessions").Select(s => s.Str("session_topic")).Should().Equal("live");
        foreach (var query in new[] { "", "?expired=true", "?expired=maybe", "?expired=", "?expired=False" })
        {
            (await client.GetAsync(sessions + query)).Items("sessions").Select(s => s.Str("session_topic"))
                .Should().BeEquivalentTo(["live", "old"], $"'{query}' is not exactly false");
        }
    }
}
