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
        var client = new WireClient(api.CreateClient());
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
        var client = new WireClient(api.CreateClient());
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
