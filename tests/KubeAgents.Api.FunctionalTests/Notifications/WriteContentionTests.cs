using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Persistence.Sqlite;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubeAgents.Api.FunctionalTests.Notifications;

/// <summary>
/// Reports keep being acknowledged while the notification dispatcher claims and saves results
/// against a route: on SQLite all of them take turns at the one write lock (the write gate), and no
/// writer meets the lock taken (<c>database is locked</c>) or loses a result.
/// </summary>
public sealed class WriteContentionTests : IAsyncLifetime
{
    private const int Writers = 4;

    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [SkippableTheory]
    [BothStores]
    public async Task Reports_are_acknowledged_while_the_dispatcher_claims_and_saves_results(StoreKind store)
    {
        await using var service = await RoutesService.StartAsync(store);
        await service.AddRouteAsync("every finish", "json", _receiver.Url, null, null, null, "finished");
        var t0 = service.Api.Clock.GetUtcNow();
        var finished = 0;
        using var stop = new CancellationTokenSource();

        // Each writer finishes sessions, one after another, until the dispatcher has delivered (and so
        // claimed, and saved the results of) a good share of them while reports were still coming in.
        async Task WriteAsync(int writer)
        {
            for (var i = 0; i < 40 || !stop.IsCancellationRequested; i++)
            {
                await service.Client.ReportAsync($"writer-{writer}", $"task-{i}", "running", t0, ttlMinutes: 60);
                await service.Client.ReportAsync($"writer-{writer}", $"task-{i}", "success", t0.AddSeconds(1), ttlMinutes: 60);
                Interlocked.Increment(ref finished);
            }
        }

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteAsync(w))).ToList();
        try
        {
            await Eventually.TrueAsync(() => _receiver.Requests.Count >= 40 || writers.Any(w => w.IsFaulted), "40 notifications delivered during the reports");
        }
        finally
        {
            await stop.CancelAsync();
        }

        await Task.WhenAll(writers);
        var total = Volatile.Read(ref finished);
        await _receiver.WaitForAsync(total);
        await Eventually.TrueAsync(
            async () => await service.Api.InDatabaseAsync(db => db.Notifications.CountAsync(n => n.State == NotificationState.Delivered)) == total,
            $"{total} notifications recorded as delivered");
        var attempts = await service.Api.InDatabaseAsync(db => db.Notifications.Select(n => n.Attempts).ToListAsync());
        attempts.Should().HaveCount(total).And.OnlyContain(a => a == 1, "each result was saved once, none lost to a busy store");
        service.Logs.Entries.Where(e => e.Level >= LogLevel.Warning).Should().BeEmpty();
        if (store == StoreKind.Sqlite)
        {
            service.Api.Services.GetRequiredService<SqliteDatabase>().WriteGating.Gate.Waiting.Should().Be(0);
        }
    }
}
