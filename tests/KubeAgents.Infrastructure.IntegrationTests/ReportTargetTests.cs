using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Persistence;
using KubeAgents.Infrastructure.Sessions;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Infrastructure.IntegrationTests;

public class ReportTargetTests
{
    [SkippableFact]
    public async Task Report_revives_a_session_the_sweeper_expired_after_the_report_read_it()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres);
        var client = new WireClient(api.CreateClient());
        await client.ReportAsync("agent", "t", "running", KubeAgentsApi.Epoch);
        var late = KubeAgentsApi.Epoch.AddMinutes(Session.DefaultTtlMinutes + 1);

        await using var reportScope = api.Services.CreateAsyncScope();
        var targets = reportScope.ServiceProvider.GetRequiredService<IReportTargets>();
        await using var target = await targets.AcquireAsync("agent", "t", late, CancellationToken.None);
        target.Session.Expired.Should().BeFalse("the sweeper has not run yet");

        // The report holds the agent's lock, not the session's: the sweeper is not held up.
        await using (var sweeperScope = api.Services.CreateAsyncScope())
        {
            var sweeper = new PostgresSessionExpiryStore(sweeperScope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>());
            (await sweeper.ExpireDueSessionsAsync(late, CancellationToken.None)).Should().Be(1);
        }

        var report = new StatusReport(SessionStatus.Running, late, "back", null, 0);
        target.Session.Record(report, late);
        target.Agent.Record(null, null, report, late);
        await target.CommitAsync(CancellationToken.None);

        var stored = await api.InDatabaseAsync(db => db.Sessions.AsNoTracking().SingleAsync());
        stored.Expired.Should().BeFalse("the report revived the session after the sweeper marked it");
        stored.ExpiredAt.Should().BeNull();
        stored.ExpiresAt.Should().Be(late.AddMinutes(Session.DefaultTtlMinutes));
    }
}
