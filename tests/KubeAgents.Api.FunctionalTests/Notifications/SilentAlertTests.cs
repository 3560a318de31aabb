using System.Text.Json;
using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Events;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Api.FunctionalTests.Notifications;

/// <summary>
/// The alert nobody else sends: a running or pending session whose agent stopped reporting. The clock
/// is the service's fake one; sweeps are run by hand, as the sweeper would run them.
/// </summary>
public sealed class SilentAlertTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [SkippableTheory]
    [BothStores]
    public async Task A_silent_session_alerts_once_per_expiry_and_again_after_a_revival(StoreKind store)
    {
        await using var service = await RoutesService.StartAsync(store);
        await service.AddRouteAsync("silence", "json", _receiver.Url, events: "silent");
        var t0 = service.Api.Clock.GetUtcNow();
        await service.Client.ReportAsync("worker", "long job", "running", t0, message: "step 3 of 9", agentName: "Worker", ttlMinutes: 5);
        await service.Client.ReportAsync("worker", "done job", "running", t0, ttlMinutes: 5);
        await service.Client.ReportAsync("worker", "done job", "success", t0.AddMinutes(1), ttlMinutes: 5);

        service.Api.Clock.Advance(TimeSpan.FromMinutes(7));
        (await service.SweepAsync()).Should().Be(2, "both sessions expire");
        (await service.SweepAsync()).Should().Be(0);

        var first = JsonDocument.Parse((await _receiver.WaitForAsync(1)).Single().Body).RootElement;
        first.Str("type").Should().Be("session.silent");
        first.GetProperty("agent").Str("name").Should().Be("Worker");
        first.GetProperty("session").Str("session_topic").Should().Be("long job");
        first.Str("last_status").Should().Be("running");
        first.Str("message").Should().Be("step 3 of 9");
        first.Time("last_status_at").Should().Be(t0);
        first.GetProperty("quiet_seconds").GetDouble().Should().Be(7 * 60);

        // Revived, then quiet again: a second expiry, a second alert.
        await service.Client.ReportAsync("worker", "long job", "pending", service.Api.Clock.GetUtcNow(), message: "waiting for review");
        service.Api.Clock.Advance(TimeSpan.FromMinutes(6));
        (await service.SweepAsync()).Should().Be(1);

        var second = JsonDocument.Parse((await _receiver.WaitForAsync(2))[1].Body).RootElement;
        second.Str("last_status").Should().Be("pending");
        second.Str("message").Should().Be("waiting for review");
        var stored = await service.Api.InDatabaseAsync(db => db.Notifications.AsNoTracking().ToListAsync());
        stored.Should().HaveCount(2).And.OnlyContain(n => n.Kind == NotificationKind.Silent && n.SessionTopic == "long job");
        // On PostgreSQL the feed numbers committed events just after the commit.
        await Eventually.TrueAsync(
            async () => await service.Api.InDatabaseAsync(db => db.Events.CountAsync(e => e.Type == EventRecord.SessionSilentType && e.SessionTopic == "long job")) == 2,
            "two session_silent events in the log");
    }

    [SkippableTheory]
    [BothStores]
    public async Task The_silent_event_reaches_api_events(StoreKind store)
    {
        await using var service = await RoutesService.StartAsync(store);
        await service.Client.ReportAsync("quiet", "t", "running", service.Api.Clock.GetUtcNow(), ttlMinutes: 1);
        service.Api.Clock.Advance(TimeSpan.FromMinutes(2));
        await service.SweepAsync();

        await using var stream = await EventStreamClient.ConnectAsync(service.Admin, "/api/events?agent_id=quiet", lastEventId: 0);
        var events = await stream.TakeAsync(4);

        events.Select(e => e.Event).Should().Equal("agent_registered", "status", "session_expired", "session_silent");
        var silent = events[3].Data;
        silent.Str("session_topic").Should().Be("t");
        silent.Str("last_status").Should().Be("running");
        silent.Time("expired_at").Should().Be(KubeAgentsApi.Epoch.AddMinutes(1));
    }

    [SkippableFact]
    public async Task Two_replicas_sweeping_one_database_alert_each_expiry_exactly_once()
    {
        var server = await PostgresServer.GetOrSkipAsync();
        var database = await server.CreateDatabaseAsync("silent_replicas");
        await using var first = await RoutesService.StartAsync(StoreKind.Postgres, new Dictionary<string, string?> { ["ConnectionStrings:KubeAgents"] = database });
        await using var second = await RoutesService.StartAsync(StoreKind.Postgres, new Dictionary<string, string?> { ["ConnectionStrings:KubeAgents"] = database });
        await first.AddRouteAsync("silence", "json", _receiver.Url, events: "silent");
        for (var i = 0; i < 20; i++)
        {
            await (i % 2 == 0 ? first : second).Client.ReportAsync($"agent-{i % 4}", $"job-{i}", i % 3 == 0 ? "pending" : "running", KubeAgentsApi.Epoch, ttlMinutes: 1);
        }

        first.Api.Clock.Advance(TimeSpan.FromMinutes(2));
        second.Api.Clock.Advance(TimeSpan.FromMinutes(2));
        var sweeps = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? first : second).SweepAsync()));

        sweeps.Sum().Should().Be(20, "each expiry is flipped by one sweep");
        var requests = await _receiver.WaitForAsync(20);
        // The receiver answers before the dispatcher records the delivery: moving the clock past the
        // claim lease before then would hand an in-flight delivery to the other replica, as it should.
        List<Notification> stored = [];
        await Eventually.TrueAsync(
            async () => (stored = await first.Api.InDatabaseAsync(db => db.Notifications.AsNoTracking().ToListAsync()))
                .Count(n => n.State == NotificationState.Delivered) == 20,
            "the 20 deliveries to be recorded");
        stored.Should().HaveCount(20);
        stored.Select(n => n.SessionTopic).Should().OnlyHaveUniqueItems();
        first.Api.Clock.Advance(TimeSpan.FromMinutes(5));
        second.Api.Clock.Advance(TimeSpan.FromMinutes(5));
        (await first.DispatchAsync() + await second.DispatchAsync()).Should().Be(0);
        _receiver.Requests.Should().HaveCount(20);
        requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("session").Str("session_topic")).Should().OnlyHaveUniqueItems();
    }
}
