using System.Net;
using System.Text.Json;
using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Notifications;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Api.FunctionalTests.Notifications;

/// <summary>Which routes get what, and delivery per route: filters, a failing route and a hanging route beside a working one, the implicit route, a new channel.</summary>
public sealed class RouteDeliveryTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;
    private WebhookReceiver _failing = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _failing = await WebhookReceiver.StartAsync();
        _failing.Answer = _ => Task.FromResult(500);
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _failing.DisposeAsync();
    }

    [SkippableTheory]
    [BothStores]
    public async Task Filters_choose_routes_by_agent_topic_and_event(StoreKind store)
    {
        await using var service = await RoutesService.StartAsync(store);
        var routes = new Dictionary<string, Guid>();
        async Task Add(string name, string? agent, string? topic, params string[] events) =>
            routes[name] = Guid.Parse((await service.AddRouteAsync(name, "json", _receiver.Url, null, agent, topic, events)).Str("id"));
        await Add("ci finished", "ci-*", null, "finished");
        await Add("failures", null, null, "failed");
        await Add("deploy silence", null, "deploy/*", "silent");
        await Add("everything", null, null, "finished", "silent");
        await Add("one agent ?", "bot-?", "x", "finished", "failed", "silent");

        var t0 = service.Api.Clock.GetUtcNow();
        async Task Finish(string agent, string topic, string status)
        {
            await service.Client.ReportAsync(agent, topic, "running", t0, ttlMinutes: 5);
            await service.Client.ReportAsync(agent, topic, status, t0.AddSeconds(1), ttlMinutes: 5);
        }

        await Finish("ci-1", "build", "success");
        await Finish("ci-2", "test", "failed");
        await Finish("human", "deploy/prod", "success");
        await Finish("bot-7", "x", "failed");
        await Finish("bot-77", "x", "failed");
        await service.Client.ReportAsync("ci-3", "deploy/web", "running", t0, ttlMinutes: 1);
        await service.Client.ReportAsync("bot-8", "x", "pending", t0, ttlMinutes: 1);
        await service.Client.ReportAsync("bot-9", "y", "running", t0, ttlMinutes: 1);
        service.Api.Clock.Advance(TimeSpan.FromMinutes(2));
        await service.SweepAsync();

        var names = routes.ToDictionary(r => r.Value, r => r.Key);
        var stored = await service.Api.InDatabaseAsync(db => db.Notifications.AsNoTracking().ToListAsync());
        stored.Select(n => (names[n.RouteId!.Value], n.AgentId, n.Kind)).Should().BeEquivalentTo(new[]
        {
            ("ci finished", "ci-1", NotificationKind.Finished),
            ("ci finished", "ci-2", NotificationKind.Finished),
            ("failures", "ci-2", NotificationKind.Finished),
            ("failures", "bot-7", NotificationKind.Finished),
            ("failures", "bot-77", NotificationKind.Finished),
            ("everything", "ci-1", NotificationKind.Finished),
            ("everything", "ci-2", NotificationKind.Finished),
            ("everything", "human", NotificationKind.Finished),
            ("everything", "bot-7", NotificationKind.Finished),
            ("everything", "bot-77", NotificationKind.Finished),
            ("everything", "ci-3", NotificationKind.Silent),
            ("everything", "bot-8", NotificationKind.Silent),
            ("everything", "bot-9", NotificationKind.Silent),
            ("deploy silence", "ci-3", NotificationKind.Silent),
            ("one agent ?", "bot-7", NotificationKind.Finished),
            ("one agent ?", "bot-8", NotificationKind.Silent),
        });
        await _receiver.WaitForAsync(16);
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_failing_route_never_holds_back_another_and_the_implicit_route_keeps_its_bytes(StoreKind store)
    {
        var implicitReceiver = await WebhookReceiver.StartAsync();
        await using var ownedReceiver = implicitReceiver;
        await using var service = await RoutesService.StartAsync(store, new Dictionary<string, string?> { ["NOTIFICATION_WEBHOOK_URL"] = implicitReceiver.Url });
        await service.AddRouteAsync("broken", "slack", _failing.Url);
        await service.AddRouteAsync("working", "discord", _receiver.Url);
        var t0 = KubeAgentsApi.Epoch;
        await service.Client.ReportAsync("cursor-1", "fix login", "running", t0, agentName: "Cursor");
        await service.Client.ReportAsync("cursor-1", "fix login", "success", t0.AddSeconds(3723), message: "merged", content: "PR #42");

        await _receiver.WaitForAsync(1);
        await _failing.WaitForAsync(1);
        var implicitBody = (await implicitReceiver.WaitForAsync(1)).Single().Body;

        implicitBody.Should().Be(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["msg_type"] = "text",
            ["content"] = new Dictionary<string, string>
            {
                ["text"] = "🔔 Session Status Change\n\nAgent ID: cursor-1\nAgent Name: Cursor\nSession: fix login\nStatus: running → success\n" +
                    "Timestamp: 2026-11-27T11:02:03Z\nDuration: 1h 2m 3s\nMessage: merged\nContent: PR #42",
            },
        }));
        JsonElement[] listed = [];
        await Eventually.TrueAsync(
            async () => (listed = (await service.Client.GetAsync("/api/notifications")).Items("notifications")).Count(n => n.Str("state") == "delivered") == 2,
            "the working and the implicit route delivered");
        var byRoute = listed.ToDictionary(n => n.Str("route"));
        byRoute.Keys.Should().BeEquivalentTo("broken", "working", "NOTIFICATION_WEBHOOK_URL");
        byRoute["working"].GetProperty("attempts").GetInt32().Should().Be(1);
        byRoute["broken"].Str("state").Should().Be("pending");
        byRoute["broken"].Str("last_error").Should().Be("HTTP 500 Internal Server Error");
        byRoute["broken"].Str("event").Should().Be("session.finished");
        byRoute["NOTIFICATION_WEBHOOK_URL"].TryGetProperty("route_id", out _).Should().BeFalse();
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_route_that_hangs_until_the_timeout_never_delays_another_and_shutdown_releases_its_attempts(StoreKind store)
    {
        var hanging = await WebhookReceiver.StartAsync();
        await using var ownedHanging = hanging;
        using var letGo = new CancellationTokenSource();
        // Never answers by itself: each request is held until the test lets go.
        hanging.Answer = async _ =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, letGo.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            return 200;
        };
        try
        {
            // The timeout is wall-clock (the sender's HttpClient): 60 s, twice the bound below, so no hanging attempt ends within it.
            await using var service = await RoutesService.StartAsync(store, new Dictionary<string, string?> { ["NOTIFICATION_TIMEOUT_SECONDS"] = "60" });
            var hangingId = Guid.Parse((await service.AddRouteAsync("hanging", "json", hanging.Url)).Str("id"));
            await service.AddRouteAsync("working", "json", _receiver.Url);

            // More sessions than there are slots (and far more than a claim takes): without a cap per
            // route, the hanging route's attempts would end up holding every slot.
            const int sessions = NotificationAttempts.MaxInFlight + 16;
            await Parallel.ForAsync(0, sessions, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
            {
                await service.Client.ReportAsync($"agent-{i}", "t", "running", KubeAgentsApi.Epoch);
                await service.Client.ReportAsync($"agent-{i}", "t", "success", KubeAgentsApi.Epoch.AddSeconds(1));
            });

            // A bound (quiet: about 1 s), well under the timeout: the working route's deliveries do not
            // wait for the hanging route's attempts, which are all still in flight.
            await Eventually.TrueAsync(
                () => _receiver.Requests.Count >= sessions && hanging.InFlight == NotificationAttempts.MaxInFlightPerRoute,
                $"{sessions} deliveries on the working route beside {NotificationAttempts.MaxInFlightPerRoute} hanging attempts ({_receiver.Requests.Count} and {hanging.InFlight} so far)",
                TimeSpan.FromSeconds(30));
            _receiver.Requests.Select(r => r.Headers["X-KubeAgents-Delivery"]).Should().HaveCount(sessions).And.OnlyHaveUniqueItems();
            hanging.Requests.Should().HaveCount(NotificationAttempts.MaxInFlightPerRoute, "a route at its cap is left out of claims");

            // Stopping: the dispatcher gives the hanging attempts their grace, then cancels and releases them unsent.
            await service.Api.Services.GetRequiredService<NotificationDispatcher>().StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
            var stored = await service.Api.InDatabaseAsync(db => db.Notifications.AsNoTracking().ToListAsync());
            stored.Where(n => n.RouteId != hangingId).Should().HaveCount(sessions).And.OnlyContain(n => n.State == NotificationState.Delivered && n.Attempts == 1);
            stored.Where(n => n.RouteId == hangingId).Should().HaveCount(sessions)
                .And.OnlyContain(n => n.State == NotificationState.Pending && n.Attempts == 0 && n.ClaimedUntil == null && n.LastError == null);
            hanging.Requests.Should().HaveCount(NotificationAttempts.MaxInFlightPerRoute);
        }
        finally
        {
            await letGo.CancelAsync();
        }
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_deleted_route_gives_up_its_pending_notifications(StoreKind store)
    {
        await using var service = await RoutesService.StartAsync(store);
        var id = (await service.AddRouteAsync("doomed", "json", _failing.Url)).Str("id");
        await service.Client.ReportAsync("a", "t", "running", KubeAgentsApi.Epoch);
        await service.Client.ReportAsync("a", "t", "failed", KubeAgentsApi.Epoch.AddSeconds(1));
        await _failing.WaitForAsync(1);
        // The receiver answered; the dispatcher records that attempt just after.
        await Eventually.TrueAsync(
            async () => await service.Api.InDatabaseAsync(db => db.Notifications.AsNoTracking().AnyAsync(n => n.Attempts == 1)),
            "the first attempt to be recorded");

        (await service.Admin.DeleteAsync($"/api/notification-routes/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        service.Api.Clock.Advance(TimeSpan.FromMinutes(1));
        // The retry is due now. The background dispatcher, woken by the clock, may claim it before this
        // call does (then this call finds nothing to do); either way it must end as given up.
        Notification stored = null!;
        await Eventually.TrueAsync(
            async () =>
            {
                await service.DispatchAsync();
                stored = await service.Api.InDatabaseAsync(db => db.Notifications.AsNoTracking().SingleAsync());
                return stored.State != NotificationState.Pending;
            },
            "the retry to be given up");

        stored.State.Should().Be(NotificationState.Failed);
        stored.LastError.Should().Be("the route was deleted");
        _failing.Requests.Should().ContainSingle();
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_channel_is_one_class_and_one_registration_line(StoreKind store)
    {
        await using var service = await RoutesService.StartAsync(store, configureServices: s => s.AddNotificationChannel<ShoutChannel>("shout"));
        await service.AddRouteAsync("loud", "shout", _receiver.Url);
        await service.Client.ReportAsync("a", "t", "running", KubeAgentsApi.Epoch);
        await service.Client.ReportAsync("a", "t", "success", KubeAgentsApi.Epoch.AddSeconds(1));

        (await _receiver.WaitForAsync(1)).Single().Body.Should().Be("""{"shout":"A/T SUCCESS"}""");
        var (status, body) = await service.AddRouteRawAsync(new { name = "x", channel = "whisper", url = _receiver.Url });
        status.Should().Be(HttpStatusCode.BadRequest);
        body.Str("message").Should().Be("channel must be one of: slack, discord, teams, lark, json, shout");
    }

    /// <summary>The recipe of docs/notifications.md ("Adding a channel"), followed to the letter.</summary>
    private sealed class ShoutChannel : INotificationChannel
    {
        public WebhookMessage Render(Notification notification, ChannelContext context) =>
            WebhookMessage.Json(JsonSerializer.Serialize(new { shout = $"{notification.AgentId}/{notification.SessionTopic} {notification.Status}".ToUpperInvariant() }));
    }
}
