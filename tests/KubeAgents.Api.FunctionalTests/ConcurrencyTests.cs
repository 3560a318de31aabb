using System.Net;
using KubeAgents.TestSupport;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

[Collection(ApiCollection.Name)]
public class ConcurrencyTests(ApiFixture fixture)
{
    [SkippableTheory]
    [BothStores]
    public async Task Fifty_simultaneous_first_reports_make_one_agent_one_session_fifty_entries(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var agentId = Unique("burst");
        var t0 = api.Clock.GetUtcNow();

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => client.ReportRawAsync(new
        {
            agent_id = agentId,
            agent_name = $"name-{i}",
            session_topic = "same",
            status = "running",
            timestamp = t0.AddMilliseconds(i).ToString("O"),
        })));

        answers.Should().OnlyContain(a => a.Status == HttpStatusCode.OK);
        (await client.GetAsync($"/api/agents?search={agentId}")).Items("agents").Should().ContainSingle();
        (await client.GetAsync(Path("api", "agents", agentId, "sessions"))).Items("sessions").Should().ContainSingle();
        var detail = await client.GetAsync(Path("api", "agents", agentId, "sessions", "same"));
        detail.Items("status_history").Should().HaveCount(50);
        detail.Items("status_history")[0].Time("timestamp").Should().Be(t0.AddMilliseconds(49));
    }

    [SkippableTheory]
    [BothStores]
    public async Task Twenty_simultaneous_reports_to_new_sessions_of_one_agent_make_twenty_sessions(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var agentId = Unique("fanout");
        var t0 = api.Clock.GetUtcNow();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.ReportRawAsync(new
        {
            agent_id = agentId,
            session_topic = $"session-{i}",
            status = "success",
            timestamp = t0.AddSeconds(i).ToString("O"),
            message = $"m{i}",
        })));

        answers.Should().OnlyContain(a => a.Status == HttpStatusCode.OK);
        (await client.GetAsync(Path("api", "agents", agentId, "sessions"))).Items("sessions").Should().HaveCount(20);
        var agent = await client.GetAsync(Path("api", "agents", agentId));
        agent.GetProperty("session_count").GetInt32().Should().Be(20);
        agent.Str("latest_message").Should().Be("m19", "no concurrent report may lose the agent's latest status");
    }
}

[Collection(ApiCollection.Name)]
public class CrossAgentConcurrencyTests(ApiFixture fixture)
{
    [SkippableTheory]
    [BothStores]
    public async Task Concurrent_reports_of_many_agents_each_keep_their_own_session(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var prefix = Unique("many");

        var answers = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => client.ReportRawAsync(new
        {
            agent_id = $"{prefix}-{i % 40}",
            session_topic = $"topic-{i}",
            status = "running",
            timestamp = "2026-11-27T10:00:00Z",
        })));

        answers.Should().OnlyContain(a => a.Status == HttpStatusCode.OK);
        var sessions = await api.InDatabaseAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.Sessions.Where(s => s.AgentId.StartsWith(prefix)).Select(s => new { s.Id, s.AgentId, s.Topic })));
        sessions.Should().HaveCount(400);
        sessions.Select(s => s.Id).Should().OnlyHaveUniqueItems();
        var entries = await api.InDatabaseAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.StatusEntries.Where(e => e.AgentId.StartsWith(prefix)).Select(e => new { e.AgentId, e.Session!.Topic })));
        entries.Select(e => e.Topic).Should().OnlyHaveUniqueItems("each report named its own session");
    }
}
