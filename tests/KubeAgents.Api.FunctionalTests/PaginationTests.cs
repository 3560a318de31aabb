using System.Net;
using KubeAgents.TestSupport;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

[Collection(ApiCollection.Name)]
public class PaginationTests(ApiFixture fixture)
{
    [SkippableTheory]
    [BothStores]
    public async Task Agents_page_through_every_agent_once_in_order(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var marker = Unique("page");
        var now = api.Clock.GetUtcNow();
        // Five agents seen at the same instant: ties are broken by id, so pages never overlap.
        foreach (var i in new[] { 3, 1, 4, 0, 2 })
        {
            await client.ReportAsync($"{marker}-{i}", "t", "running", now);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await client.GetAsync($"/api/agents?search={marker}&limit=2" + (cursor is null ? string.Empty : $"&cursor={cursor}"));
            seen.AddRange(page.Items("agents").Select(a => a.Str("agent_id")));
            cursor = page.TryGetProperty("next_cursor", out var next) ? next.GetString() : null;
            pages++;
        }
        while (cursor is not null);

        pages.Should().Be(3);
        seen.Should().Equal(Enumerable.Range(0, 5).Select(i => $"{marker}-{i}"));
    }

    [SkippableTheory]
    [BothStores]
    public async Task Session_history_pages_are_stable_while_reports_arrive(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var agentId = Unique("hist");
        var t0 = api.Clock.GetUtcNow();
        for (var i = 0; i < 5; i++)
        {
            await client.ReportAsync(agentId, "t", "running", t0.AddSeconds(i), message: $"m{i}");
        }

        var first = await client.GetAsync(Path("api", "agents", agentId, "sessions", "t") + "?history_limit=2");
        first.Items("status_history").Select(h => h.Str("message")).Should().Equal("m4", "m3");
        await client.ReportAsync(agentId, "t", "running", t0.AddSeconds(10), message: "newer");
        var second = await client.GetAsync(Path("api", "agents", agentId, "sessions", "t") + $"?history_limit=2&history_cursor={first.Str("next_history_cursor")}");
        var third = await client.GetAsync(Path("api", "agents", agentId, "sessions", "t") + $"?history_limit=2&history_cursor={second.Str("next_history_cursor")}");

        second.Items("status_history").Select(h => h.Str("message")).Should().Equal("m2", "m1");
        third.Items("status_history").Select(h => h.Str("message")).Should().Equal("m0");
        third.TryGetProperty("next_history_cursor", out _).Should().BeFalse();
    }

    [SkippableTheory]
    [BothStores]
    public async Task Sessions_page_by_last_updated(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var agentId = Unique("sess");
        for (var i = 0; i < 3; i++)
        {
            api.Clock.Advance(TimeSpan.FromSeconds(1));
            await client.ReportAsync(agentId, $"s{i}", "running", api.Clock.GetUtcNow());
        }

        var first = await client.GetAsync(Path("api", "agents", agentId, "sessions") + "?limit=2");
        var second = await client.GetAsync(Path("api", "agents", agentId, "sessions") + $"?limit=2&cursor={first.Str("next_cursor")}");

        first.Items("sessions").Select(s => s.Str("session_topic")).Should().Equal("s2", "s1");
        second.Items("sessions").Select(s => s.Str("session_topic")).Should().Equal("s0");
        second.TryGetProperty("next_cursor", out _).Should().BeFalse();
    }

    [SkippableTheory]
    [BothStores]
    public async Task Agent_history_spans_sessions_newest_first_with_a_status_filter(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var agentId = Unique("agenthist");
        var t0 = api.Clock.GetUtcNow();
        await client.ReportAsync(agentId, "a", "running", t0);
        await client.ReportAsync(agentId, "b", "running", t0.AddSeconds(1));
        await client.ReportAsync(agentId, "a", "success", t0.AddSeconds(2));
        await client.ReportAsync(agentId, "b", "failed", t0.AddSeconds(3));

        var all = await client.GetAsync(Path("api", "agents", agentId, "history"));
        var running = await client.GetAsync(Path("api", "agents", agentId, "history") + "?status=running&limit=1");
        var older = await client.GetAsync(Path("api", "agents", agentId, "history") + $"?status=running&limit=1&cursor={running.Str("next_cursor")}");

        all.Items("status_history").Select(h => $"{h.Str("session_topic")}:{h.Str("status")}").Should().Equal("b:failed", "a:success", "b:running", "a:running");
        running.Items("status_history").Single().Str("session_topic").Should().Be("b");
        older.Items("status_history").Single().Str("session_topic").Should().Be("a");
        (await client.GetRawAsync(Path("api", "agents", Unique("nobody"), "history"))).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/api/agents?limit=0", "limit must be between 1 and 1000")]
    [InlineData("/api/agents?limit=1001", "limit must be between 1 and 1000")]
    [InlineData("/api/agents?limit=many", "limit has an invalid value 'many'")]
    [InlineData("/api/agents?cursor=not-a-cursor!", "cursor is not a cursor this endpoint returned")]
    [InlineData("/api/agents/x/sessions?cursor=bm9wZQ", "cursor is not a cursor this endpoint returned")]
    [InlineData("/api/agents/x/sessions/t?history_limit=0", "history_limit must be between 1 and 1000")]
    [InlineData("/api/agents/x/sessions/t?history_cursor=%25%25", "history_cursor is not a cursor this endpoint returned")]
    [InlineData("/api/agents/x/history?status=done", "status must be one of")]
    [InlineData("/api/agents/x/history?limit=5000", "limit must be between 1 and 1000")]
    public async Task Invalid_paging_parameters_are_a_400_naming_the_parameter(string path, string message)
    {
        var api = await fixture.GetAsync(StoreKind.Sqlite);

        var (status, body) = await api.CreateWireClient().GetRawAsync(path);

        status.Should().Be(HttpStatusCode.BadRequest);
        body.Str("message").Should().StartWith(message);
    }
}
