using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Notifications;
using KubeAgents.Infrastructure.Persistence;
using KubeAgents.Infrastructure.Persistence.Postgres;
using KubeAgents.Infrastructure.Persistence.Sqlite;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubeAgents.Infrastructure.IntegrationTests;

public class NotificationClaimTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(35);

    [SkippableFact]
    public async Task Claimed_notification_is_invisible_to_others_until_its_lease_expires_and_a_stale_result_is_discarded()
    {
        // A service without a webhook URL: no dispatcher of its own races the claims below.
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres);
        var client = api.CreateWireClient();
        await client.ReportAsync("agent", "t", "running", KubeAgentsApi.Epoch);
        await FinishAllAsync(api);
        var claims = new PostgresNotificationClaims();
        var now = KubeAgentsApi.Epoch;

        await using var crashedScope = api.Services.CreateAsyncScope();
        var crashedDb = crashedScope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>();
        var crashed = await claims.ClaimDueAsync(crashedDb, now, Lease, 10, [], CancellationToken.None);
        crashed.Should().ContainSingle();

        await using var otherScope = api.Services.CreateAsyncScope();
        var otherDb = otherScope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>();
        (await claims.ClaimDueAsync(otherDb, now + Lease, Lease, 10, [], CancellationToken.None)).Should().BeEmpty("the lease is still running");

        var reclaimed = await claims.ClaimDueAsync(otherDb, now + Lease + TimeSpan.FromSeconds(1), Lease, 10, [], CancellationToken.None);
        reclaimed.Should().ContainSingle().Which.Id.Should().Be(crashed[0].Id);
        reclaimed[0].MarkDelivered(now + Lease + TimeSpan.FromSeconds(2));
        await otherDb.SaveChangesAsync();

        // The first claimer comes back late: its result must not overwrite the new claimer's.
        crashed[0].MarkAttemptFailed("late", now + Lease + TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), 8);
        var stale = () => crashedDb.SaveChangesAsync();
        await stale.Should().ThrowAsync<DbUpdateConcurrencyException>();
        (await api.InDatabaseAsync(db => db.Notifications.AsNoTracking().SingleAsync())).State.Should().Be(NotificationState.Delivered);
    }

    [SkippableTheory]
    [BothStores]
    public async Task Results_saved_together_are_each_saved_but_one_whose_claim_was_lost(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        var client = api.CreateWireClient();
        foreach (var topic in new[] { "a", "b", "c" })
        {
            await client.ReportAsync("agent", topic, "running", KubeAgentsApi.Epoch);
        }

        await FinishAllAsync(api);
        INotificationClaims claims = store == StoreKind.Postgres ? new PostgresNotificationClaims() : new SqliteNotificationClaims();
        var now = KubeAgentsApi.Epoch;
        await using var dispatcherScope = api.Services.CreateAsyncScope();
        var dispatcherDb = dispatcherScope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>();
        var claimed = await claims.ClaimDueAsync(dispatcherDb, now, Lease, 10, [], CancellationToken.None);
        claimed.Should().HaveCount(3);

        // Past the lease, another dispatcher takes one of them before the three results are saved.
        await using var otherScope = api.Services.CreateAsyncScope();
        var lost = (await claims.ClaimDueAsync(
            otherScope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>(), now + Lease + TimeSpan.FromSeconds(1), Lease, 1, [], CancellationToken.None)).Single();
        var kept = claimed.Select(n =>
        {
            n.MarkDelivered(now + Lease + TimeSpan.FromSeconds(2));
            return KeptResult.Take(dispatcherDb, n);
        }).ToList();

        var results = new NotificationResults(
            api.Services.GetRequiredService<IStoreFailureClassifier>(), TimeProvider.System, api.Services.GetRequiredService<ILogger<NotificationDispatcher>>());
        await using (var saveScope = api.Services.CreateAsyncScope())
        {
            await results.SaveAsync(saveScope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>(), kept, CancellationToken.None);
        }

        var stored = await api.InDatabaseAsync(db => db.Notifications.AsNoTracking().ToListAsync());
        stored.Where(n => n.Id != lost.Id).Should().HaveCount(2).And.OnlyContain(n => n.State == NotificationState.Delivered && n.Attempts == 1);
        var refused = stored.Single(n => n.Id == lost.Id);
        (refused.State, refused.Attempts, refused.ClaimToken).Should().Be((NotificationState.Pending, 0, lost.ClaimToken), "the claim that holds it now is not overwritten");
    }

    /// <summary>Queues a finished-session notification for each of <c>agent</c>'s sessions, as the write pipeline does.</summary>
    private static Task<int> FinishAllAsync(KubeAgentsApi api) => api.InDatabaseAsync(async db =>
    {
        // As every writer of a stored session does: hold its agent for the transaction.
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.LockAgentsAsync(["agent"], CancellationToken.None);
        foreach (var session in await db.Sessions.Include(s => s.Agent).ToListAsync())
        {
            db.Notifications.Add(Notification.SessionFinished(
                session.Agent!, session,
                session.Record(new Domain.Sessions.StatusReport(Domain.Sessions.SessionStatus.Success, KubeAgentsApi.Epoch.AddMinutes(1), null, null, 0), KubeAgentsApi.Epoch),
                KubeAgentsApi.Epoch));
        }

        var saved = await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return saved;
    });
}
