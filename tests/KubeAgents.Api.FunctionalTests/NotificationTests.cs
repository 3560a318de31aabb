using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KubeAgents.Infrastructure.Notifications;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>Notifications to a real HTTP receiver. Each test has its own service and receiver.</summary>
public sealed class NotificationTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private Task<KubeAgentsApi> StartAsync(StoreKind store, params (string Key, string Value)[] settings)
    {
        var all = settings.ToDictionary(s => s.Key, s => (string?)s.Value);
        all.TryAdd("NOTIFICATION_WEBHOOK_URL", _receiver.Url);
        return KubeAgentsApi.StartWithKeyAsync(store, all);
    }

    [SkippableTheory]
    [BothStores]
    public async Task Finished_session_is_notified_with_the_original_payload(StoreKind store)
    {
        await using var api = await StartAsync(store);
        var client = api.CreateWireClient();
        var t0 = KubeAgentsApi.Epoch;
        await client.ReportAsync("cursor-1", "fix login", "running", t0, agentName: "Cursor");
        await client.ReportAsync("cursor-1", "fix login", "running", t0.AddMinutes(30));

        await client.ReportAsync("cursor-1", "fix login", "success", t0.AddSeconds(3723), message: "merged", content: "PR #42");

        var request = (await _receiver.WaitForAsync(1)).Single();
        request.ContentType.Should().StartWith("application/json");
        Guid.TryParse(request.Headers["X-KubeAgents-Delivery"], out _).Should().BeTrue();
        request.Headers.Should().NotContainKey("X-KubeAgents-Signature");
        request.Body.Should().Be(NotificationBody(
            "🔔 Session Status Change\n\nAgent ID: cursor-1\nAgent Name: Cursor\nSession: fix login\nStatus: running → success\n" +
            "Timestamp: 2026-11-27T11:02:03Z\nDuration: 1h 2m 3s\nMessage: merged\nContent: PR #42"));
        var listed = (await client.GetAsync("/api/notifications?state=delivered")).Items("notifications").Single();
        listed.Str("id").Should().Be(request.Headers["X-KubeAgents-Delivery"]);
        listed.Str("state").Should().Be("delivered");
        listed.Str("status").Should().Be("success");
        listed.GetProperty("attempts").GetInt32().Should().Be(1);
    }

    [SkippableTheory]
    [BothStores]
    public async Task Json_format_sends_the_versioned_event(StoreKind store)
    {
        await using var api = await StartAsync(store, ("NOTIFICATION_FORMAT", "json"));
        var client = api.CreateWireClient();
        var t0 = KubeAgentsApi.Epoch;
        await client.ReportAsync("cursor-1", "fix/login ü", "running", t0, agentName: "Cursor");

        await client.ReportAsync("cursor-1", "fix/login ü", "failed", t0.AddSeconds(3723.5), message: "red", content: "log");

        var request = (await _receiver.WaitForAsync(1)).Single();
        request.ContentType.Should().StartWith("application/json");
        Guid.TryParse(request.Headers["X-KubeAgents-Delivery"], out _).Should().BeTrue();
        var expected = JsonSerializer.Serialize(new
        {
            type = "session.finished",
            version = 1,
            agent = new { agent_id = "cursor-1", name = "Cursor" },
            session = new { session_topic = "fix/login ü" },
            from = "running",
            to = "failed",
            duration_seconds = 3723.5,
            occurred_at = "2026-11-27T11:02:03.5Z",
            message = "red",
            content = "log",
        });
        request.Body.Should().Be(expected);
    }

    [SkippableTheory]
    [BothStores]
    public async Task Only_a_move_from_running_to_success_or_failed_notifies(StoreKind store)
    {
        await using var api = await StartAsync(store);
        var client = api.CreateWireClient();
        var t0 = KubeAgentsApi.Epoch;
        var cases = new (string Topic, string[] Statuses, int[] Offsets, bool Notifies)[]
        {
            ("running-success", ["running", "success"], [0, 1], true),
            ("running-failed", ["running", "failed"], [0, 1], true),
            ("running-running", ["running", "running"], [0, 1], false),
            ("running-pending", ["running", "pending"], [0, 1], false),
            ("pending-success", ["pending", "success"], [0, 1], false),
            ("first-report-success", ["success"], [0], false),
            ("older-success-arrives-late", ["running", "success"], [5, 1], false),
            ("second-success", ["running", "success", "success"], [0, 1, 2], true),
        };
        foreach (var (topic, statuses, offsets, _) in cases)
        {
            for (var i = 0; i < statuses.Length; i++)
            {
                await client.ReportAsync("agent", topic, statuses[i], t0.AddMinutes(offsets[i]));
            }
        }

        var expected = cases.Where(c => c.Notifies).Select(c => c.Topic).ToArray();
        var stored = await api.InDatabaseAsync(db => db.Notifications.Select(n => n.SessionTopic).ToListAsync());
        stored.Should().BeEquivalentTo(expected);
        var received = await _receiver.WaitForAsync(expected.Length);
        received.Select(r => SessionOf(r.Body)).Should().BeEquivalentTo(expected);
    }

    [SkippableTheory]
    [BothStores]
    public async Task Failed_attempt_is_retried_with_the_same_delivery_id(StoreKind store)
    {
        _receiver.Answer = n => Task.FromResult(n == 0 ? 500 : 200);
        await using var api = await StartAsync(store);
        var client = api.CreateWireClient();
        await FinishSessionAsync(client);

        await _receiver.WaitForAsync(1);
        var pending = await WaitForStateAsync(client, "pending", n => n.GetProperty("attempts").GetInt32() == 1);
        pending.Str("last_error").Should().Be("HTTP 500 Internal Server Error");
        pending.Time("next_attempt_at").Should().BeCloseTo(pending.Time("last_attempt_at").AddSeconds(1), TimeSpan.FromMilliseconds(250));

        var requests = await _receiver.WaitForAsync(2, TimeSpan.FromMilliseconds(500), api.Clock);

        requests.Select(r => r.Headers["X-KubeAgents-Delivery"]).Distinct().Should().ContainSingle();
        var delivered = await WaitForStateAsync(client, "delivered", _ => true);
        delivered.GetProperty("attempts").GetInt32().Should().Be(2);
        delivered.TryGetProperty("last_error", out _).Should().BeFalse();
    }

    [Fact]
    public async Task Receiver_slower_than_the_timeout_counts_as_a_failed_attempt()
    {
        using var release = new CancellationTokenSource();
        _receiver.Answer = async n =>
        {
            if (n == 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), release.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            return 200;
        };
        await using var api = await StartAsync(StoreKind.Sqlite, ("NOTIFICATION_TIMEOUT_SECONDS", "1"));
        var client = api.CreateWireClient();
        await FinishSessionAsync(client);

        var pending = await WaitForStateAsync(client, "pending", n => n.GetProperty("attempts").GetInt32() == 1);
        await release.CancelAsync();

        pending.Str("last_error").Should().Be("timed out after 1s");
        await _receiver.WaitForAsync(2, TimeSpan.FromMilliseconds(500), api.Clock);
        (await WaitForStateAsync(client, "delivered", _ => true)).GetProperty("attempts").GetInt32().Should().Be(2);
    }

    [SkippableTheory]
    [BothStores]
    public async Task Gives_up_after_the_maximum_attempts_and_keeps_the_error(StoreKind store)
    {
        _receiver.Answer = _ => Task.FromResult(503);
        await using var api = await StartAsync(store, ("NOTIFICATION_MAX_ATTEMPTS", "3"));
        var client = api.CreateWireClient();
        await FinishSessionAsync(client);

        await _receiver.WaitForAsync(3, TimeSpan.FromSeconds(1), api.Clock);
        var failed = await WaitForStateAsync(client, "failed", _ => true);
        api.Clock.Advance(TimeSpan.FromHours(1));
        (await DispatchNowAsync(api)).Should().Be(0, "a failed notification is never due again");

        failed.GetProperty("attempts").GetInt32().Should().Be(3);
        failed.Str("last_error").Should().Be("HTTP 503 Service Unavailable");
        failed.TryGetProperty("next_attempt_at", out _).Should().BeFalse();
        _receiver.Requests.Should().HaveCount(3, "a failed notification is not attempted again");
    }

    [Theory]
    [InlineData("lark")]
    [InlineData("json")]
    public async Task Signed_delivery_verifies_with_the_secret(string format)
    {
        const string secret = "s3cret-shared-with-the-receiver";
        await using var api = await StartAsync(StoreKind.Sqlite, ("NOTIFICATION_WEBHOOK_SECRET", secret), ("NOTIFICATION_FORMAT", format));
        var client = api.CreateWireClient();
        await FinishSessionAsync(client);

        var request = (await _receiver.WaitForAsync(1)).Single();
        request.Body.Should().Contain(format == "json" ? "\"type\":\"session.finished\"" : "\"msg_type\":\"text\"");

        // What a receiver does (README): recompute the HMAC over "timestamp.body" and compare in constant time.
        var timestamp = request.Headers["X-KubeAgents-Timestamp"];
        long.Parse(timestamp, CultureInfo.InvariantCulture).Should().Be(api.Clock.GetUtcNow().ToUnixTimeSeconds());
        var expected = "sha256=" + Convert.ToHexStringLower(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{request.Body}")));
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(request.Headers["X-KubeAgents-Signature"]), Encoding.ASCII.GetBytes(expected)).Should().BeTrue();
        var forged = "sha256=" + Convert.ToHexStringLower(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes("wrong secret"), Encoding.UTF8.GetBytes($"{timestamp}.{request.Body}")));
        request.Headers["X-KubeAgents-Signature"].Should().NotBe(forged);
    }

    [Fact]
    public async Task Report_is_answered_without_waiting_for_delivery()
    {
        var gate = new TaskCompletionSource();
        _receiver.Answer = async _ =>
        {
            await gate.Task;
            return 200;
        };
        await using var api = await StartAsync(StoreKind.Sqlite);
        var client = api.CreateWireClient();
        await client.ReportAsync("agent", "t", "running", KubeAgentsApi.Epoch);

        var (status, _) = await client.ReportRawAsync(new { agent_id = "agent", session_topic = "t", status = "success", timestamp = "2026-11-27T10:01:00Z" });
        await _receiver.WaitForAsync(1);

        status.Should().Be(HttpStatusCode.OK);
        _receiver.InFlight.Should().Be(1, "the receiver still holds the notification the report caused");
        gate.SetResult();
    }

    [Fact]
    public async Task Without_a_webhook_url_nothing_is_queued()
    {
        await using var api = await KubeAgentsApi.StartWithKeyAsync(StoreKind.Sqlite);
        var client = api.CreateWireClient();

        await FinishSessionAsync(client);

        (await client.GetAsync("/api/notifications")).Items("notifications").Should().BeEmpty();
    }

    [Theory]
    [InlineData("state=sent", "state must be one of: pending, delivered, failed")]
    [InlineData("limit=0", "limit must be between 1 and 1000")]
    [InlineData("limit=1001", "limit must be between 1 and 1000")]
    [InlineData("limit=ten", "limit has an invalid value 'ten'")]
    public async Task Invalid_notification_query_is_a_400(string query, string message)
    {
        await using var api = await KubeAgentsApi.StartWithKeyAsync(StoreKind.Sqlite);
        var client = api.CreateWireClient();

        var (status, body) = await client.GetRawAsync($"/api/notifications?{query}");

        status.Should().Be(HttpStatusCode.BadRequest);
        body.Str("message").Should().StartWith(message);
    }

    [SkippableFact]
    public async Task Notification_pending_at_shutdown_is_delivered_after_the_next_start()
    {
        var server = await PostgresServer.GetOrSkipAsync();
        var database = await server.CreateDatabaseAsync("outbox_restart");
        await using (var down = await KubeAgentsApi.StartWithKeyAsync(StoreKind.Postgres, new Dictionary<string, string?>
        {
            ["ConnectionStrings:KubeAgents"] = database,
            ["NOTIFICATION_WEBHOOK_URL"] = $"http://127.0.0.1:{ServiceProcess.FreePort()}/nobody-listens",
        }))
        {
            await FinishSessionAsync(down.CreateWireClient());
            (await down.InDatabaseAsync(db => db.Notifications.SingleAsync())).State.Should().Be(Domain.Notifications.NotificationState.Pending);
        }

        await using var up = await KubeAgentsApi.StartWithKeyAsync(StoreKind.Postgres, new Dictionary<string, string?>
        {
            ["ConnectionStrings:KubeAgents"] = database,
            ["NOTIFICATION_WEBHOOK_URL"] = _receiver.Url,
        });

        (await _receiver.WaitForAsync(1, TimeSpan.FromSeconds(5), up.Clock)).Should().ContainSingle();
        (await WaitForStateAsync(up.CreateWireClient(), "delivered", _ => true)).Str("session_topic").Should().Be("t");
    }

    [SkippableFact]
    public async Task Two_replicas_on_one_database_deliver_each_notification_exactly_once()
    {
        var server = await PostgresServer.GetOrSkipAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:KubeAgents"] = await server.CreateDatabaseAsync("outbox_replicas"),
            ["NOTIFICATION_WEBHOOK_URL"] = _receiver.Url,
        };
        await using var first = await KubeAgentsApi.StartWithKeyAsync(StoreKind.Postgres, settings);
        await using var second = await KubeAgentsApi.StartWithKeyAsync(StoreKind.Postgres, settings);
        var clients = new[] { first.CreateWireClient(), second.CreateWireClient() };

        // 200 finished sessions, reported alternately through both replicas.
        await Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var client = clients[i % 2];
            await client.ReportAsync($"agent-{i % 10}", $"session-{i}", "running", KubeAgentsApi.Epoch);
            await client.ReportAsync($"agent-{i % 10}", $"session-{i}", "success", KubeAgentsApi.Epoch.AddMinutes(1));
        });

        // Clocks move at about 5x real time: the 35 s claim lease stays far longer than a real attempt.
        await _receiver.WaitForAsync(200, TimeSpan.FromMilliseconds(100), first.Clock, second.Clock);
        // Received is not yet saved: jumping past the lease before the last results are saved would
        // make their notifications due again (a real save never takes the 35 s lease).
        await Eventually.TrueAsync(
            async () => await first.InDatabaseAsync(db => db.Notifications.CountAsync(n => n.State == Domain.Notifications.NotificationState.Delivered)) == 200,
            "every delivery's result to be saved");
        first.Clock.Advance(TimeSpan.FromMinutes(5));
        second.Clock.Advance(TimeSpan.FromMinutes(5));
        // Past every lease: a result either replica lost would be due again now.
        (await DispatchNowAsync(first) + await DispatchNowAsync(second)).Should().Be(0);

        var deliveries = _receiver.Requests.Select(r => r.Headers["X-KubeAgents-Delivery"]).ToList();
        deliveries.Should().HaveCount(200).And.OnlyHaveUniqueItems();
        _receiver.Requests.Select(r => SessionOf(r.Body)).Should().OnlyHaveUniqueItems();
        (await first.InDatabaseAsync(db => db.Notifications.CountAsync(n => n.State == Domain.Notifications.NotificationState.Delivered))).Should().Be(200);
    }

    private static async Task FinishSessionAsync(WireClient client)
    {
        await client.ReportAsync("agent", "t", "running", KubeAgentsApi.Epoch);
        await client.ReportAsync("agent", "t", "success", KubeAgentsApi.Epoch.AddMinutes(1));
    }

    [SkippableFact]
    public async Task A_store_outage_while_a_send_is_in_flight_costs_no_duplicate()
    {
        using var server = await PostgresServer.StartDedicatedOrSkipAsync();
        var logs = new LogCollector();
        await using var api = await KubeAgentsApi.StartWithKeyAsync(
            StoreKind.Postgres,
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:KubeAgents"] = await server.CreateDatabaseAsync("outbox") + ";Timeout=3",
                ["NOTIFICATION_WEBHOOK_URL"] = _receiver.Url,
            },
            s => s.AddSingleton<ILoggerProvider>(logs));
        var client = api.CreateWireClient();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiver.Answer = async _ =>
        {
            arrived.TrySetResult();
            await answer.Task;
            return 200;
        };
        await client.ReportAsync("agent", "t", "running", KubeAgentsApi.Epoch);
        await client.ReportAsync("agent", "t", "success", KubeAgentsApi.Epoch.AddMinutes(1));
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The receiver answers 200 while the store is down: the result cannot be saved yet.
        server.Stop();
        answer.SetResult();
        await Eventually.TrueAsync(
            () => logs.Entries.Any(e => e.Message.Contains("cannot be saved yet", StringComparison.Ordinal)), "the dispatcher to find the store down");
        server.Start();

        // The dispatcher retries the save on the service's clock: move it a second at a time until it lands.
        await Eventually.TrueAsync(
            async () => (await StoredAsync(api)).State == Domain.Notifications.NotificationState.Delivered,
            "the kept result to be saved",
            between: () => api.Clock.Advance(TimeSpan.FromSeconds(1)),
            poll: TimeSpan.FromMilliseconds(30));

        // Well past the 35 s lease: a lost result would be due, claimed and sent again.
        api.Clock.Advance(TimeSpan.FromSeconds(90));
        (await DispatchNowAsync(api)).Should().Be(0);
        (await StoredAsync(api)).Attempts.Should().Be(1);
        _receiver.Requests.Should().ContainSingle();
    }

    private static async Task<JsonElement> WaitForStateAsync(WireClient client, string state, Func<JsonElement, bool> condition)
    {
        JsonElement match = default;
        await Eventually.TrueAsync(
            async () => (match = (await client.GetAsync($"/api/notifications?state={state}")).Items("notifications").FirstOrDefault(condition)).ValueKind != JsonValueKind.Undefined,
            $"a matching {state} notification");
        return match;
    }

    private static Task<Domain.Notifications.Notification> StoredAsync(KubeAgentsApi api) =>
        api.InDatabaseAsync(db => db.Notifications.AsNoTracking().SingleAsync());

    /// <summary>One dispatch pass on the service, beside its own loop: how many notifications were due.</summary>
    private static Task<int> DispatchNowAsync(KubeAgentsApi api) =>
        api.Services.GetRequiredService<NotificationDispatcher>().DispatchOnceAsync(CancellationToken.None);

    private static string NotificationBody(string text) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["msg_type"] = "text", ["content"] = new Dictionary<string, string> { ["text"] = text } });

    private static string SessionOf(string body)
    {
        var text = JsonDocument.Parse(body).RootElement.GetProperty("content").GetProperty("text").GetString()!;
        return text.Split('\n').Single(l => l.StartsWith("Session: ", StringComparison.Ordinal))["Session: ".Length..];
    }
}
