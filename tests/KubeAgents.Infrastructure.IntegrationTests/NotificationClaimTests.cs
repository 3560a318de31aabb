using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Notifications;
using KubeAgents.Infrastructure.Persistence;
using KubeAgents.Infrastructure.Persistence.Postgres;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

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
        await api.InDatabaseAsync(async db =>
        {
            // As every writer of a stored session does: hold its agent for the transaction.
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.LockAgentsAsync(["agent"], CancellationToken.None);
            var session = await db.Sessions.Include(s => s.Agent).SingleAsync();
            db.Notifications.Add(Notification.SessionFinished(
                session.Agent!, session,
                session.Record(new Domain.Sessions.StatusReport(Domain.Sessions.SessionStatus.Success, KubeAgentsApi.Epoch.AddMinutes(1), null, null, 0), KubeAgentsApi.Epoch),
                KubeAgentsApi.Epoch));
            var saved = await db.SaveChangesAsync();
            await transaction.CommitAsync();
            return saved;
        });
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
}
