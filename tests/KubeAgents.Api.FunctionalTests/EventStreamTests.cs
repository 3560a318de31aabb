using System.Collections.Concurrent;
using System.Net;
using KubeAgents.Application.Events;
using KubeAgents.Infrastructure.Events;
using KubeAgents.Infrastructure.Sessions;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

/// <summary><c>GET /api/events</c>: what the events say, filters, keep-alives, and resuming without a gap or a duplicate.</summary>
public class EventStreamTests
{
    [SkippableTheory]
    [BothStores]
    public async Task A_report_gives_agent_registered_then_status_in_wire_format(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        await using var stream = await EventStreamClient.ConnectAsync(api.CreateClient());
        stream.Response.Headers.CacheControl!.NoCache.Should().BeTrue();
        var at = new DateTimeOffset(2026, 11, 27, 18, 0, 0, TimeSpan.FromHours(8));

        await api.CreateWireClient().ReportAsync("cursor-1", "fix login/PR #42 ✓", "running", at, message: "reproducing", agentName: "Cursor", ttlMinutes: 60);

        var events = await stream.TakeAsync(2);
        events.Select(e => e.Event).Should().Equal("agent_registered", "status");
        events[1].Id.Should().BeGreaterThan(events[0].Id);
        events[0].Data.Str("agent_id").Should().Be("cursor-1");
        events[0].Data.Str("agent_name").Should().Be("Cursor");
        events[0].Data.Time("registered").Should().Be(api.Clock.GetUtcNow());
        var status = events[1].Data;
        status.PropertyNames().Should().BeEquivalentTo("agent_id", "agent_name", "session_topic", "status", "timestamp", "message", "current_status", "ttl_minutes", "received_at");
        status.Str("session_topic").Should().Be("fix login/PR #42 ✓");
        status.Str("status").Should().Be("running");
        status.Str("timestamp").Should().Be("2026-11-27T10:00:00Z", "times are written in UTC");
        status.Str("message").Should().Be("reproducing");
        status.Str("current_status").Should().Be("running");
        status.GetProperty("ttl_minutes").GetInt32().Should().Be(60);
        stream.Retry.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task A_subscriber_waiting_for_the_feeds_start_gets_a_stream_that_ends_when_the_service_stops()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite);
        // A fan-out whose feed has not started yet, as during the service's start (the feed waits for it to end).
        var fanOut = ActivatorUtilities.CreateInstance<EventFanOut>(api.Services);
        var subscribing = fanOut.SubscribeAsync(new EventFilter(null, null), null, CancellationToken.None);
        subscribing.IsCompleted.Should().BeFalse("subscriptions open once the feed knows where the log ends");

        fanOut.CloseAll();

        await using var subscription = await subscribing.WaitAsync(TimeSpan.FromMinutes(1));
        var events = new List<StreamEvent>();
        await foreach (var e in subscription.ReadAllAsync(CancellationToken.None))
        {
            events.Add(e);
        }

        events.Should().BeEmpty("the service is stopping: the stream ends instead of hanging");
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_late_report_keeps_the_sessions_current_status_in_its_event(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        var client = api.CreateWireClient();
        await client.ReportAsync("a", "t", "success", api.Clock.GetUtcNow());
        await using var stream = await EventStreamClient.ConnectAsync(api.CreateClient());

        await client.ReportAsync("a", "t", "running", api.Clock.GetUtcNow().AddMinutes(-5));

        var late = (await stream.TakeAsync(1))[0];
        late.Data.Str("status").Should().Be("running");
        late.Data.Str("current_status").Should().Be("success");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Filters_by_agent_and_by_topic(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        var client = api.CreateWireClient();
        await using var byAgent = await EventStreamClient.ConnectAsync(api.CreateClient(), "/api/events?agent_id=" + Uri.EscapeDataString("b é"));
        await using var byTopic = await EventStreamClient.ConnectAsync(api.CreateClient(), "/api/events?session_topic=" + Uri.EscapeDataString("x/y #1"));

        await client.ReportAsync("a", "x/y #1", "running", api.Clock.GetUtcNow(), message: "1");
        await client.ReportAsync("b é", "other", "running", api.Clock.GetUtcNow(), message: "2");
        await client.ReportAsync("b é", "x/y #1", "running", api.Clock.GetUtcNow(), message: "3");

        var agentEvents = await byAgent.TakeAsync(3);
        agentEvents.Select(e => e.Event).Should().Equal("agent_registered", "status", "status");
        agentEvents.Skip(1).Select(e => e.Data.Str("message")).Should().Equal("2", "3");
        var topicEvents = await byTopic.TakeAsync(2);
        topicEvents.Select(e => e.Data.Str("message")).Should().Equal("1", "3");
        (await byTopic.TryTakeAsync(TimeSpan.FromMilliseconds(300))).Should().BeNull("agent_registered has no topic");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Session_expired_when_the_sweeper_persists_expiry(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store, new Dictionary<string, string?> { ["SESSION_SWEEP_INTERVAL_SECONDS"] = "86400" });
        var reportedAt = api.Clock.GetUtcNow();
        await api.CreateWireClient().ReportAsync("agent", "t", "running", reportedAt, ttlMinutes: 5);
        // PostgreSQL numbers committed events into the log just after the commit (the inbox): a stream
        // opened before that would rightly get the report's two events first.
        await Eventually.TrueAsync(async () => await api.InDatabaseAsync(db => db.Events.CountAsync()) == 2, "the report's events in the log");
        await using var stream = await EventStreamClient.ConnectAsync(api.CreateClient(), "/api/events?agent_id=agent");

        api.Clock.Advance(TimeSpan.FromMinutes(6));
        (await api.Services.GetRequiredService<SessionSweeper>().SweepOnceAsync(CancellationToken.None)).Should().Be(1);
        (await api.Services.GetRequiredService<SessionSweeper>().SweepOnceAsync(CancellationToken.None)).Should().Be(0);

        var (expired, silent) = await stream.TakeAsync(2) is [var first, var second] ? (first, second) : default;
        expired.Event.Should().Be("session_expired");
        expired.Data.Str("session_topic").Should().Be("t");
        expired.Data.Time("expired_at").Should().Be(reportedAt.AddMinutes(5));
        silent.Event.Should().Be("session_silent", "it expired while running");
        (await stream.TryTakeAsync(TimeSpan.FromMilliseconds(300))).Should().BeNull("the second sweep changed nothing");
    }

    /// <summary>
    /// With nobody subscribed the feed does not read the events, it only moves its position to the
    /// newest one. A client that comes back must still get, from the table, everything it missed.
    /// </summary>
    [SkippableTheory]
    [BothStores]
    public async Task Events_written_while_nobody_listens_are_replayed_to_a_client_that_resumes(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        var client = api.CreateWireClient();
        var at = api.Clock.GetUtcNow();
        long lastSeen;
        await using (var first = await EventStreamClient.ConnectAsync(api.CreateClient()))
        {
            await client.ReportAsync("a", "t", "running", at, message: "seen");
            lastSeen = (await first.TakeAsync(2))[^1].Id;
        }

        var fanOut = api.Services.GetRequiredService<EventFanOut>();
        await Eventually.TrueAsync(() => !fanOut.HasSubscribers, "the first client gone");
        foreach (var message in new[] { "missed 1", "missed 2", "missed 3" })
        {
            await client.ReportAsync("a", "t", "running", at, message: message);
        }

        // The feed has passed the missed events without reading them: its position is the log's newest
        // (on PostgreSQL once the feed has numbered them out of the inbox).
        var log = api.Services.GetRequiredService<EventLog>();
        await Eventually.TrueAsync(async () => await log.NewestAsync(CancellationToken.None) == lastSeen + 3, "the missed events in the log");
        await Eventually.TrueAsync(() => fanOut.Position == lastSeen + 3, "the feed at the newest event");

        await using var resumed = await EventStreamClient.ConnectAsync(api.CreateClient(), "/api/events", lastSeen);
        await using var fresh = await EventStreamClient.ConnectAsync(api.CreateClient());
        await client.ReportAsync("a", "t", "success", at, message: "live");

        var replayed = await resumed.TakeAsync(4);
        replayed.Select(e => e.Data.Str("message")).Should().Equal("missed 1", "missed 2", "missed 3", "live");
        replayed.Select(e => e.Id).Should().Equal(lastSeen + 1, lastSeen + 2, lastSeen + 3, lastSeen + 4);
        (await fresh.TakeAsync(1))[0].Data.Str("message").Should().Be("live", "a client without Last-Event-ID starts from now");
        (await resumed.TryTakeAsync(TimeSpan.FromMilliseconds(300))).Should().BeNull();
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_comment_keeps_the_stream_alive_every_15_seconds_of_the_clock(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        await using var stream = await EventStreamClient.ConnectAsync(api.CreateClient());
        stream.Comments.Should().Be(0);

        await Eventually.TrueAsync(() => stream.Comments > 0, "a keep-alive comment", between: () => api.Clock.Advance(TimeSpan.FromSeconds(15)), poll: TimeSpan.FromMilliseconds(100));
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_bad_Last_Event_ID_is_a_400(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/events");
        request.Headers.Add("Last-Event-ID", "abc");
        using var response = await api.CreateClient().SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Last-Event-ID");
    }

    [SkippableTheory]
    [BothStores]
    public async Task The_stream_ends_cleanly_when_the_service_stops(StoreKind store)
    {
        var api = await KubeAgentsApi.StartAsync(store);
        var stream = await EventStreamClient.ConnectAsync(api.CreateClient());
        var stopping = Task.Run(async () => await api.DisposeAsync());
        (await Task.WhenAny(stream.Completion, Task.Delay(TimeSpan.FromSeconds(20)))).Should().Be(stream.Completion, "the server ends open streams on shutdown");
        await stopping;
        await stream.DisposeAsync();
    }

    [SkippableFact]
    public async Task A_client_that_falls_a_buffer_behind_is_cut_off_without_slowing_writers_and_resumes_without_a_gap()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite, new Dictionary<string, string?> { ["EVENTS_CLIENT_BUFFER"] = "16" });
        var client = api.CreateWireClient();
        await using var stalled = await EventStreamClient.ConnectAsync(api.CreateClient(), read: false);
        // Far more than the socket buffers hold, so the server's buffer for this client fills.
        const int reports = 4000;
        var message = new string('x', 900);
        await Parallel.ForAsync(0, reports, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            await client.ReportAsync("busy", "t", "running", api.Clock.GetUtcNow(), message: $"{i:0000}{message}"));

        stalled.StartReading();
        (await Task.WhenAny(stalled.Completion, Task.Delay(TimeSpan.FromSeconds(30)))).Should().Be(stalled.Completion, "the server ended the stalled client's stream");
        var before = stalled.Drain();
        before.Count.Should().BeLessThan(reports + 1, "it was cut off before the end");
        await using var resumed = await EventStreamClient.ConnectAsync(api.CreateClient(), lastEventId: before.Count == 0 ? 0 : before[^1].Id);
        var after = await resumed.TakeAsync(reports + 1 - before.Count);
        before.Concat(after).Select(e => e.Id).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems().And.HaveCount(reports + 1);
    }

    /// <summary>
    /// Many writers on several agents at once; a client that leaves mid-stream and comes back with
    /// Last-Event-ID. What it received, joined, is exactly the accepted reports: each once, each
    /// agent's in the order it sent them, ids strictly increasing.
    /// </summary>
    [SkippableTheory]
    [BothStores]
    public async Task Resuming_with_Last_Event_ID_under_concurrent_writers_loses_and_repeats_nothing(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        await EventStreamScenario.RunAsync(
            writerClients: [api.CreateClient(), api.CreateClient()],
            connect: (index, lastEventId) => EventStreamClient.ConnectAsync(api.CreateClient(), "/api/events", lastEventId),
            timestamp: api.Clock.GetUtcNow());
    }
}

/// <summary>The gap/duplicate scenario, for one service or several replicas.</summary>
internal static class EventStreamScenario
{
    public const int Agents = 8;
    public const int ReportsPerAgent = 60;

    /// <param name="writerClients">Reports go round-robin over these (several replicas: several clients).</param>
    /// <param name="connect">Opens the stream on the i-th connection (alternating replicas), resuming after the id given.</param>
    public static async Task RunAsync(IReadOnlyList<HttpClient> writerClients, Func<int, long?, Task<EventStreamClient>> connect, DateTimeOffset timestamp)
    {
        var prefix = Unique("w");
        var received = new List<SseMessage>();
        var stream = await connect(0, null);
        var accepted = new ConcurrentBag<string>();

        // Each agent's reports are sent in order by one task; the tasks (and their batches) interleave.
        var writers = Enumerable.Range(0, Agents).Select(a => Task.Run(async () =>
        {
            var client = new WireClient(writerClients[a % writerClients.Count]);
            for (var i = 0; i < ReportsPerAgent; i++)
            {
                await client.ReportAsync($"{prefix}-{a}", $"topic {i % 3}", "running", timestamp, message: $"{a}:{i}");
                accepted.Add($"{a}:{i}");
            }
        })).ToList();

        // Leave mid-stream, twice, and come back with the last id seen (the second time on another connection/replica).
        var expectedEvents = Agents * (ReportsPerAgent + 1);
        for (var reconnect = 1; reconnect <= 2; reconnect++)
        {
            received.AddRange(await stream.TakeAsync(expectedEvents / 3, TimeSpan.FromSeconds(60)));
            await stream.DisposeAsync();
            stream = await connect(reconnect, received[^1].Id);
        }

        await Task.WhenAll(writers);
        received.AddRange(await stream.TakeAsync(expectedEvents - received.Count, TimeSpan.FromSeconds(60)));
        (await stream.TryTakeAsync(TimeSpan.FromMilliseconds(500))).Should().BeNull("nothing beyond the accepted reports");
        await stream.DisposeAsync();

        received.Select(e => e.Id).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        var statuses = received.Where(e => e.Event == "status").ToList();
        statuses.Select(e => e.Data.Str("message")).Should().BeEquivalentTo(accepted, "every accepted report once, nothing else");
        received.Count(e => e.Event == "agent_registered").Should().Be(Agents);
        foreach (var agent in statuses.GroupBy(e => e.Data.Str("agent_id")))
        {
            agent.Select(e => int.Parse(e.Data.Str("message").Split(':')[1], System.Globalization.CultureInfo.InvariantCulture))
                .Should().BeInAscendingOrder("one agent's reports are applied, and numbered, in the order it sent them");
        }
    }
}
