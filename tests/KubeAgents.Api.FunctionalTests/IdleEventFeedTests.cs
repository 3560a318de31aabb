using KubeAgents.Infrastructure.Events;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// With no <c>/api/events</c> client, the event feed moves to where the log ends after each commit
/// instead of reading the new events to offer them to no one. On PostgreSQL it learns where the log
/// ends from the numbering of the inbox, which reads it in the same statement: a query per wake-up
/// was 4% of the service's CPU there under fresh ingestion (docs/benchmarks.md). On SQLite the commit
/// signals it, but a wake-up that finds the signal already taken by the one before still asks.
/// </summary>
public class IdleEventFeedTests
{
    [SkippableTheory]
    [BothStores]
    public async Task With_no_subscriber_the_feed_follows_the_log_without_reading_it(StoreKind store)
    {
        var commands = new SqlCommandLog();
        await using var api = await KubeAgentsApi.StartAsync(store, configureServices: s => s.AddSingleton<IInterceptor>(commands));
        var client = api.CreateWireClient();
        var log = api.Services.GetRequiredService<EventLog>();
        var fanOut = api.Services.GetRequiredService<EventFanOut>();

        // The feed has started (its first read finds where the log ends) once it follows a first report.
        await client.ReportAsync("idle-feed", "task-0", "running", KubeAgentsApi.Epoch);
        await FollowsTheLogAsync(api, log, fanOut, events: 2);
        var mark = commands.Count;

        for (var i = 1; i <= 10; i++)
        {
            await client.ReportAsync("idle-feed", $"task-{i}", "running", KubeAgentsApi.Epoch.AddSeconds(i));
        }

        // One agent_registered and eleven status events.
        await FollowsTheLogAsync(api, log, fanOut, events: 12);

        var feeds = commands.After(mark).Where(c => c.Text.Contains(EventFeed.QueryTag, StringComparison.Ordinal)).Select(c => c.Text).ToList();
        if (store == StoreKind.Postgres)
        {
            feeds.Should().NotContain(t => t.Contains("MAX(", StringComparison.OrdinalIgnoreCase), "where the log ends came with the numbering");
        }

        feeds.Should().NotContain(t => t.Contains("ORDER BY", StringComparison.OrdinalIgnoreCase), "no page of events was read for a subscriber that is not there");
    }

    /// <summary>Waits until the log holds <paramref name="events"/> events (numbered, on PostgreSQL) and the feed's position is the newest.</summary>
    private static Task FollowsTheLogAsync(KubeAgentsApi api, EventLog log, EventFanOut fanOut, int events) =>
        Eventually.TrueAsync(async () =>
        {
            var stored = await api.InDatabaseAsync(db => db.Events.AsNoTracking().CountAsync());
            return stored == events && fanOut.Position == log.IdBase + events;
        }, $"the feed at the end of a log of {events} events");
}
