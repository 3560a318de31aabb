using KubeAgents.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// Resume never starves: a <c>Last-Event-ID</c> the log cannot have issued (ahead of it, or from before a
/// restart of the temporary store) gets a <c>reset</c> message whose id resumes correctly, then every new
/// event; an id the log did issue resumes as always, with no reset, no gap and no duplicate.
/// </summary>
public class EventStreamResetTests
{
    [SkippableTheory]
    [BothStores]
    public async Task An_id_ahead_of_the_log_on_a_fresh_service_gets_a_reset_then_every_new_event(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        var client = api.CreateWireClient();
        await using var stream = await EventStreamClient.ConnectAsync(api.CreateClient(), lastEventId: 1_000_000);

        var reset = (await stream.TakeAsync(1))[0];
        reset.Event.Should().Be("reset");
        reset.Data.PropertyNames().Should().Equal("reason");
        reset.Data.Str("reason").Should().Contain("Reload what you show");

        await client.ReportAsync("after-reset", "t", "running", api.Clock.GetUtcNow(), message: "1");
        await client.ReportAsync("after-reset", "t", "success", api.Clock.GetUtcNow(), message: "2");
        var events = await stream.TakeAsync(3);
        events.Select(e => e.Event).Should().Equal("agent_registered", "status", "status");
        events.Select(e => e.Id).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        events[0].Id.Should().BeGreaterThan(reset.Id);

        // The browser keeps the reset's id: resuming from it gives exactly the events that followed.
        await using var resumed = await EventStreamClient.ConnectAsync(api.CreateClient(), lastEventId: reset.Id);
        (await resumed.TakeAsync(3)).Should().BeEquivalentTo(events, o => o.WithStrictOrdering().Excluding(e => e.Data));
        (await resumed.TryTakeAsync(TimeSpan.FromMilliseconds(300))).Should().BeNull("nothing more, and no second reset");
    }

    [SkippableTheory]
    [BothStores]
    public async Task An_id_the_log_issued_resumes_with_no_reset_no_gap_and_no_duplicate(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        var client = api.CreateWireClient();
        await using (var first = await EventStreamClient.ConnectAsync(api.CreateClient()))
        {
            for (var i = 0; i < 4; i++)
            {
                await client.ReportAsync("resumer", "t", "running", api.Clock.GetUtcNow(), message: $"{i}");
            }

            var all = await first.TakeAsync(5);
            await using var resumed = await EventStreamClient.ConnectAsync(api.CreateClient(), lastEventId: all[1].Id);

            var rest = await resumed.TakeAsync(3);
            rest.Select(e => e.Id).Should().Equal(all.Skip(2).Select(e => e.Id));
            rest.Select(e => e.Data.Str("message")).Should().Equal("1", "2", "3");
            (await resumed.TryTakeAsync(TimeSpan.FromMilliseconds(300))).Should().BeNull();
        }

        await using var fromNewest = await EventStreamClient.ConnectAsync(api.CreateClient(), lastEventId: await NewestIdAsync(api));
        (await fromNewest.TryTakeAsync(TimeSpan.FromMilliseconds(300))).Should().BeNull("the newest id is a valid position: nothing after it, no reset");
    }

    [SkippableFact]
    public async Task After_a_restart_of_the_temporary_store_an_old_id_gets_a_reset_then_every_new_event()
    {
        long oldId;
        await using (var before = ServiceProcess.Start(new Dictionary<string, string?>()))
        {
            await before.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
            using var http = before.CreateClient();
            await using var stream = await EventStreamClient.ConnectAsync(before.CreateClient());
            for (var i = 0; i < 3; i++)
            {
                await new WireClient(http).ReportAsync("before-restart", "t", "running", DateTimeOffset.UtcNow, message: $"{i}");
            }

            oldId = (await stream.TakeAsync(4))[^1].Id;
        }

        await using var after = ServiceProcess.Start(new Dictionary<string, string?>());
        await after.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        using var afterHttp = after.CreateClient();
        // A few events first, so the old id would name events of the new log if ids started again at 1.
        for (var i = 0; i < 5; i++)
        {
            await new WireClient(afterHttp).ReportAsync("after-restart", "t", "running", DateTimeOffset.UtcNow, message: $"early {i}");
        }

        await using var resumed = await EventStreamClient.ConnectAsync(after.CreateClient(), lastEventId: oldId);
        var reset = (await resumed.TakeAsync(1))[0];
        reset.Event.Should().Be("reset", after.Output);
        reset.Data.Str("reason").Should().Contain("restarted");

        await new WireClient(afterHttp).ReportAsync("after-restart", "t", "success", DateTimeOffset.UtcNow, message: "new");
        var next = (await resumed.TakeAsync(1))[0];
        next.Event.Should().Be("status");
        next.Data.Str("message").Should().Be("new", "the events before the reset are what the reload shows");
        next.Id.Should().BeGreaterThan(reset.Id);
    }

    [SkippableTheory]
    [BothStores]
    public async Task After_a_restart_on_a_durable_store_an_old_id_resumes_with_no_reset_and_no_gap(StoreKind store)
    {
        var settings = new Dictionary<string, string?>();
        var file = Path.Combine(Path.GetTempPath(), $"events-durable-{Guid.NewGuid():N}.db");
        if (store == StoreKind.Sqlite)
        {
            settings["DB_FILE"] = file;
        }

        try
        {
            long oldId;
            await using (var before = await KubeAgentsApi.StartAsync(store, settings))
            {
                if (store == StoreKind.Postgres)
                {
                    settings["ConnectionStrings:KubeAgents"] = before.Services.GetRequiredService<IConfiguration>().GetConnectionString("KubeAgents");
                }

                await before.CreateWireClient().ReportAsync("durable", "t", "running", before.Clock.GetUtcNow(), message: "before");
                oldId = await NewestIdAsync(before);
            }

            await using var after = await KubeAgentsApi.StartAsync(store, settings);
            await after.CreateWireClient().ReportAsync("durable", "t", "success", after.Clock.GetUtcNow(), message: "after");

            await using var resumed = await EventStreamClient.ConnectAsync(after.CreateClient(), lastEventId: oldId);
            var next = (await resumed.TakeAsync(1))[0];
            next.Event.Should().Be("status", "ids of a durable store stay valid across restarts");
            next.Data.Str("message").Should().Be("after");
            (await resumed.TryTakeAsync(TimeSpan.FromMilliseconds(300))).Should().BeNull();
        }
        finally
        {
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>The newest id a client can have seen: the last message of a stream replayed from the log's start (0).</summary>
    private static async Task<long> NewestIdAsync(KubeAgentsApi api)
    {
        await using var replay = await EventStreamClient.ConnectAsync(api.CreateClient(), lastEventId: 0);
        var last = default(SseMessage);
        while (await replay.TryTakeAsync(TimeSpan.FromMilliseconds(500)) is { } message)
        {
            last = message;
        }

        return last?.Id ?? throw new InvalidOperationException("the log is empty");
    }
}
