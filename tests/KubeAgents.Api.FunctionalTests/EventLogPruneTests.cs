using KubeAgents.Infrastructure.Events;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// The event log's retention (<c>EVENTS_RETENTION_MINUTES</c>, <c>EVENTS_RETENTION_COUNT</c>): a pass
/// lets go of the oldest events, those older than the age and beyond the count, as a prefix of the
/// log. An event stamped younger than the ones after it holds them until it ages, so a client
/// resuming from any retained id replays an unbroken run; one stamped ahead of the clock holds nothing.
/// </summary>
public class EventLogPruneTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [SkippableTheory]
    [BothStores]
    public async Task A_pass_deletes_the_oldest_events_up_to_the_first_one_the_age_or_the_count_keeps(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store, configureServices: s => s.Configure<EventStreamOptions>(o =>
        {
            o.RetentionCount = 2;
            o.PruneInterval = TimeSpan.FromDays(365); // only this test's passes
        }));
        var client = api.CreateWireClient();
        var log = api.Services.GetRequiredService<EventLog>();

        // Reports a minute apart: agent_registered and a status event at minute 0, then one event a minute.
        for (var minute = 0; minute <= 5; minute++)
        {
            await client.ReportAsync("pruned", $"task-{minute}", "running", api.Clock.GetUtcNow());
            api.Clock.Advance(Minute);
        }

        var ids = await StoredIdsAsync(api, expected: 7);
        var newest = log.IdBase + ids[^1];
        // The third event, stamped at minute 1, is restamped at minute 4: younger than the two after it.
        // The second is restamped a day ahead, as a replica whose clock is ahead would stamp it.
        await RestampAsync(api, ids[2], KubeAgentsApi.Epoch + (4 * Minute));
        await RestampAsync(api, ids[1], KubeAgentsApi.Epoch + TimeSpan.FromDays(1));

        // Minute 13.5: the age keeps what is younger than minute 3.5, the count the newest two (ids[5..]).
        api.Clock.Advance(TimeSpan.FromMinutes(7.5));
        (await log.PruneAsync(newest, CancellationToken.None)).Should().Be(2);
        (await StoredIdsAsync(api)).Should().Equal(ids[2..], "the events stamped at minutes 2 and 3 wait for the one before them, not for one stamped ahead of the clock");

        // Minute 14.5: it has aged; the count still keeps the newest two, though the first is older than minute 4.5.
        api.Clock.Advance(Minute);
        (await log.PruneAsync(newest, CancellationToken.None)).Should().Be(3);
        (await StoredIdsAsync(api)).Should().Equal(ids[5..]);

        (await log.PruneAsync(newest, CancellationToken.None)).Should().Be(0, "nothing more is past both rules");
        (await StoredIdsAsync(api)).Should().Equal(ids[5..]);
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_pass_over_a_log_of_young_events_deletes_nothing(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store, configureServices: s => s.Configure<EventStreamOptions>(o =>
        {
            o.RetentionCount = 1;
            o.PruneInterval = TimeSpan.FromDays(365);
        }));
        var client = api.CreateWireClient();
        var log = api.Services.GetRequiredService<EventLog>();
        for (var i = 0; i < 3; i++)
        {
            await client.ReportAsync("young", $"task-{i}", "running", api.Clock.GetUtcNow());
        }

        var ids = await StoredIdsAsync(api, expected: 4);
        api.Clock.Advance(TimeSpan.FromMinutes(9));

        (await log.PruneAsync(log.IdBase + ids[^1], CancellationToken.None)).Should().Be(0);
        (await StoredIdsAsync(api)).Should().Equal(ids);
    }

    private static Task<int> RestampAsync(KubeAgentsApi api, long id, DateTimeOffset occurredAt) =>
        api.InDatabaseAsync(db => db.Events.Where(e => e.Id == id).ExecuteUpdateAsync(set => set.SetProperty(e => e.OccurredAt, occurredAt)));

    /// <summary>The stored events' ids in order, once <paramref name="expected"/> are stored (numbered, on PostgreSQL).</summary>
    private static async Task<long[]> StoredIdsAsync(KubeAgentsApi api, int? expected = null)
    {
        long[] ids = [];
        await Eventually.TrueAsync(async () =>
        {
            ids = await api.InDatabaseAsync(db => db.Events.AsNoTracking().OrderBy(e => e.Id).Select(e => e.Id).ToArrayAsync());
            return expected is null || ids.Length == expected;
        }, $"{expected} events in the log");
        return ids;
    }
}
