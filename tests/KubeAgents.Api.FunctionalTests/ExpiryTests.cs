using System.Diagnostics.Metrics;
using KubeAgents.TestSupport;
using KubeAgents.Infrastructure.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>Each test has a service of its own: it moves the clock far and runs the sweeper.</summary>
public class ExpiryTests
{
    [SkippableTheory]
    [BothStores]
    public async Task Reads_show_expiry_exactly_at_the_ttl_without_the_sweeper(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store, new Dictionary<string, string?> { ["SESSION_SWEEP_INTERVAL_SECONDS"] = "86400" });
        var client = api.CreateWireClient();
        var reportedAt = api.Clock.GetUtcNow();
        await client.ReportAsync("agent", "short", "running", reportedAt, ttlMinutes: 5);
        await client.ReportAsync("agent", "long", "running", reportedAt, ttlMinutes: 60);

        api.Clock.Advance(TimeSpan.FromMinutes(5));
        var atTtl = await client.GetAsync(Path("api", "agents", "agent", "sessions", "short"));
        atTtl.GetProperty("session").GetProperty("expired").GetBoolean().Should().BeFalse("expired means now > last_updated + ttl");

        api.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var session = (await client.GetAsync(Path("api", "agents", "agent", "sessions", "short"))).GetProperty("session");
        session.GetProperty("expired").GetBoolean().Should().BeTrue();
        session.Time("expired_at").Should().Be(reportedAt.AddMinutes(5));

        var live = (await client.GetAsync(Path("api", "agents", "agent", "sessions") + "?expired=false")).Items("sessions");
        live.Select(s => s.Str("session_topic")).Should().Equal("long");
        (await client.GetAsync(Path("api", "agents", "agent", "sessions"))).Items("sessions").Should().HaveCount(2);
        var agent = await client.GetAsync(Path("api", "agents", "agent"));
        agent.GetProperty("session_count").GetInt32().Should().Be(2);
        agent.GetProperty("active_session_count").GetInt32().Should().Be(1);
    }

    [SkippableTheory]
    [BothStores]
    public async Task Report_on_expired_session_revives_it(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        var client = api.CreateWireClient();
        await client.ReportAsync("agent", "t", "running", api.Clock.GetUtcNow());
        api.Clock.Advance(TimeSpan.FromMinutes(45));
        await SweepAsync(api);
        (await client.GetAsync(Path("api", "agents", "agent", "sessions", "t"))).GetProperty("session").GetProperty("expired").GetBoolean().Should().BeTrue();

        await client.ReportAsync("agent", "t", "running", api.Clock.GetUtcNow());

        var session = (await client.GetAsync(Path("api", "agents", "agent", "sessions", "t"))).GetProperty("session");
        session.GetProperty("expired").GetBoolean().Should().BeFalse();
        session.TryGetProperty("expired_at", out _).Should().BeFalse("an optional field is omitted when empty");
        session.Time("last_updated").Should().Be(api.Clock.GetUtcNow());
        (await StoredFlagAsync(api, "agent", "t")).Should().BeFalse();
    }

    [SkippableTheory]
    [BothStores]
    public async Task Sweeper_persists_expiry_once_and_only_for_due_sessions(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store, new Dictionary<string, string?> { ["SESSION_SWEEP_INTERVAL_SECONDS"] = "86400" });
        var client = api.CreateWireClient();
        await client.ReportAsync("agent", "due", "running", api.Clock.GetUtcNow(), ttlMinutes: 1);
        await client.ReportAsync("agent", "alive", "running", api.Clock.GetUtcNow(), ttlMinutes: 10);
        api.Clock.Advance(TimeSpan.FromMinutes(2));

        (await SweepAsync(api)).Should().Be(1);
        (await SweepAsync(api)).Should().Be(0, "an expired session is marked once");

        (await StoredFlagAsync(api, "agent", "due")).Should().BeTrue();
        (await StoredFlagAsync(api, "agent", "alive")).Should().BeFalse();
    }

    [SkippableTheory]
    [BothStores]
    public async Task Hosted_sweeper_runs_on_its_interval(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store, new Dictionary<string, string?> { ["SESSION_SWEEP_INTERVAL_SECONDS"] = "30" });
        var client = api.CreateWireClient();
        await client.ReportAsync("agent", "t", "running", api.Clock.GetUtcNow(), ttlMinutes: 1);

        // Crossing the interval fires the sweeper's timer; the sweep itself then runs in the background.
        api.Clock.Advance(TimeSpan.FromSeconds(90));
        await Eventually.TrueAsync(() => StoredFlagAsync(api, "agent", "t"), "the sweeper to store the expired flag", TimeSpan.FromSeconds(10));
    }

    [SkippableTheory]
    [BothStores]
    public async Task Active_sessions_gauge_is_the_count_of_the_last_sweep(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store, new Dictionary<string, string?> { ["SESSION_SWEEP_INTERVAL_SECONDS"] = "86400" });
        var client = api.CreateWireClient();
        ActiveSessionsGauge(api).Should().BeNull("nothing is counted before the first sweep");
        await client.ReportAsync("agent", "short", "running", api.Clock.GetUtcNow(), ttlMinutes: 1);
        await client.ReportAsync("agent", "long", "running", api.Clock.GetUtcNow(), ttlMinutes: 60);
        await client.ReportAsync("other", "long", "running", api.Clock.GetUtcNow(), ttlMinutes: 60);
        api.Clock.Advance(TimeSpan.FromMinutes(2));

        await SweepAsync(api);

        ActiveSessionsGauge(api).Should().Be(2);
        var scrape = await api.CreateClient().GetStringAsync(new Uri("/metrics", UriKind.Relative));
        scrape.Should().Contain("# TYPE kubeagents_sessions_active gauge\n");

        // The gauge sums the agents' live counts: a swept session revived counts again, a new one too.
        await client.ReportAsync("agent", "short", "success", api.Clock.GetUtcNow(), ttlMinutes: 1);
        await client.ReportAsync("third", "new", "running", api.Clock.GetUtcNow(), ttlMinutes: 60);
        await SweepAsync(api);
        ActiveSessionsGauge(api).Should().Be(4);
    }

    [SkippableTheory]
    [BothStores]
    public async Task An_agents_active_count_follows_the_ttl_the_sweeper_and_revivals(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store, new Dictionary<string, string?> { ["SESSION_SWEEP_INTERVAL_SECONDS"] = "86400" });
        var client = api.CreateWireClient();
        var t0 = api.Clock.GetUtcNow();
        await client.ReportAsync("agent", "a", "running", t0, ttlMinutes: 1);
        await client.ReportAsync("agent", "b", "running", t0, ttlMinutes: 1);
        await client.ReportAsync("agent", "c", "running", t0, ttlMinutes: 60);
        await client.ReportAsync("other", "x", "running", t0, ttlMinutes: 1);
        (await CountsAsync(client)).Should().Equal(("agent", 3, 3), ("other", 1, 1));

        api.Clock.Advance(TimeSpan.FromMinutes(2));
        (await CountsAsync(client)).Should().Equal([("agent", 3, 1), ("other", 1, 0)], "past the TTL counts before any sweep");
        (await SweepAsync(api)).Should().Be(3);
        (await CountsAsync(client)).Should().Equal([("agent", 3, 1), ("other", 1, 0)], "the sweep stores the expiry; it changes no count");

        var t1 = api.Clock.GetUtcNow();
        await client.ReportAsync("agent", "a", "running", t1, ttlMinutes: 1);
        await client.ReportAsync("agent", "d", "running", t1, ttlMinutes: 1);
        (await CountsAsync(client)).Should().Equal([("agent", 4, 3), ("other", 1, 0)], "a swept session revived, and a new one");

        api.Clock.Advance(TimeSpan.FromMinutes(2));
        await client.ReportAsync("agent", "d", "success", api.Clock.GetUtcNow(), ttlMinutes: 1);
        (await CountsAsync(client)).Should().Equal([("agent", 4, 2), ("other", 1, 0)], "d revived before any sweep; a is past its TTL");
        (await SweepAsync(api)).Should().Be(1);
        (await CountsAsync(client)).Should().Equal(("agent", 4, 2), ("other", 1, 0));
        (await SweepAsync(api)).Should().Be(0);
        (await CountsAsync(client)).Should().Equal(("agent", 4, 2), ("other", 1, 0));

        var one = await client.GetAsync(Path("api", "agents", "agent"));
        (one.GetProperty("session_count").GetInt32(), one.GetProperty("active_session_count").GetInt32()).Should().Be((4, 2), "one agent reads the same counts as the list");
        var live = (await client.GetAsync(Path("api", "agents", "agent", "sessions") + "?expired=false")).Items("sessions");
        live.Select(s => s.Str("session_topic")).Should().BeEquivalentTo(["c", "d"], "the count is the sessions the filter lists");
    }

    private static async Task<List<(string AgentId, int Sessions, int Active)>> CountsAsync(WireClient client) =>
        [.. (await client.GetAsync("/api/agents")).Items("agents")
            .Select(a => (a.Str("agent_id")!, a.GetProperty("session_count").GetInt32(), a.GetProperty("active_session_count").GetInt32()))
            .OrderBy(a => a.Item1, StringComparer.Ordinal)];

    /// <summary>
    /// The gauge as this service's own meter reports it. Read through a listener on this host's meter
    /// factory: a Prometheus scrape also shows the same-named meters of other services in this process.
    /// </summary>
    private static long? ActiveSessionsGauge(KubeAgentsApi api)
    {
        var factory = api.Services.GetRequiredService<IMeterFactory>();
        long? value = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Name == "kubeagents.sessions.active")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, measurement, _, _) => value = measurement);
        listener.Start();
        listener.RecordObservableInstruments();
        return value;
    }

    private static Task<int> SweepAsync(KubeAgentsApi api) =>
        api.Services.GetRequiredService<SessionSweeper>().SweepOnceAsync(CancellationToken.None);

    private static Task<bool> StoredFlagAsync(KubeAgentsApi api, string agentId, string topic) =>
        api.InDatabaseAsync(db => db.Sessions.AsNoTracking().Where(s => s.AgentId == agentId && s.Topic == topic).Select(s => s.Expired).SingleAsync());
}
