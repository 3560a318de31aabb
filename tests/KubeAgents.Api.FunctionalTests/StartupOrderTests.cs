using System.Collections.Concurrent;
using System.Data.Common;
using KubeAgents.Infrastructure.Events;
using KubeAgents.Infrastructure.Notifications;
using KubeAgents.Infrastructure.Persistence;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// What waits for the service's start to end: the background loops whose first read can wait
/// (AfterStart), so that they neither compete with the start nor build EF's services a second time.
/// </summary>
public class StartupOrderTests
{
    [SkippableTheory]
    [BothStores]
    public async Task The_dispatcher_and_the_event_feed_first_read_the_store_once_the_service_listens_and_EF_is_warm(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store, configureServices: s =>
        {
            s.AddSingleton<FirstBackgroundReads>();
            s.AddSingleton<IInterceptor>(provider => provider.GetRequiredService<FirstBackgroundReads>());
        });
        var reads = api.Services.GetRequiredService<FirstBackgroundReads>();

        await Eventually.TrueAsync(
            () => reads.First.ContainsKey(NotificationDispatcher.QueryTag) && reads.First.ContainsKey(EventFeed.QueryTag),
            "the dispatcher's and the feed's first reads");

        reads.First[NotificationDispatcher.QueryTag].Should().Be(new Moment(Listening: true, EfWarm: true));
        reads.First[EventFeed.QueryTag].Should().Be(new Moment(Listening: true, EfWarm: true));
    }

    private sealed record Moment(bool Listening, bool EfWarm);

    /// <summary>Notes, for each background loop's tag, what had happened when its first statement ran (both loops read asynchronously).</summary>
    private sealed class FirstBackgroundReads(IHostApplicationLifetime lifetime, DatabaseInitializer initializer) : DbCommandInterceptor
    {
        public ConcurrentDictionary<string, Moment> First { get; } = new(StringComparer.Ordinal);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Note(command);
            return ValueTask.FromResult(result);
        }

        private void Note(DbCommand command)
        {
            foreach (var tag in (string[])[NotificationDispatcher.QueryTag, EventFeed.QueryTag])
            {
                if (command.CommandText.StartsWith("-- " + tag, StringComparison.Ordinal))
                {
                    First.TryAdd(tag, new Moment(lifetime.ApplicationStarted.IsCancellationRequested, initializer.WarmedUp.IsCompleted));
                }
            }
        }
    }
}
