using System.Data.Common;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Reports;
using KubeAgents.Infrastructure.Sessions;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Infrastructure.IntegrationTests;

/// <summary>
/// On PostgreSQL the expiry sweeper does not wait for the write pipeline: a batch holds its agents,
/// not their sessions. (SQLite's single write lock serialises the two, so the race cannot happen there.)
/// </summary>
public class SweeperRaceTests
{
    [SkippableFact]
    public async Task A_report_revives_a_session_the_sweeper_expired_after_its_batch_read_it()
    {
        var sweepAfterRead = new SweepAfterSessionRead();
        // The service's own sweeper stays out of the way (its first tick is a day off): the one sweep
        // that matters is the interceptor's, between the batch's read and its write.
        await using var api = await KubeAgentsApi.StartAsync(
            StoreKind.Postgres,
            new Dictionary<string, string?> { ["SESSION_SWEEP_INTERVAL_SECONDS"] = "86400" },
            s => s.AddSingleton<IInterceptor>(sweepAfterRead));
        var client = api.CreateWireClient();
        await client.ReportAsync("agent", "t", "running", KubeAgentsApi.Epoch);
        api.Clock.Advance(TimeSpan.FromMinutes(Session.DefaultTtlMinutes + 1));
        var late = api.Clock.GetUtcNow();

        sweepAfterRead.Arm(api.Services, late);
        await client.ReportAsync("agent", "t", "running", late);

        sweepAfterRead.Swept.Should().Be(1, "the sweeper marked the session between the batch's read and its write");
        var stored = await api.InDatabaseAsync(db => db.Sessions.AsNoTracking().SingleAsync());
        stored.Expired.Should().BeFalse("the report revived the session after the sweeper marked it");
        stored.ExpiredAt.Should().BeNull();
        stored.ExpiresAt.Should().Be(late.AddMinutes(Session.DefaultTtlMinutes));
    }

    /// <summary>Once armed, runs one sweep right after the write pipeline has read a batch's sessions.</summary>
    private sealed class SweepAfterSessionRead : DbCommandInterceptor
    {
        private IServiceProvider? _services;
        private DateTimeOffset _now;

        public int? Swept { get; private set; }

        public void Arm(IServiceProvider services, DateTimeOffset now)
        {
            _now = now;
            _services = services;
        }

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains(ReportWritePipeline.SessionsQueryTag, StringComparison.Ordinal) &&
                Interlocked.Exchange(ref _services, null) is { } services)
            {
                await using var scope = services.CreateAsyncScope();
                Swept = await scope.ServiceProvider.GetRequiredService<SessionExpiryStore>().ExpireDueSessionsAsync(_now, CancellationToken.None);
            }

            return result;
        }
    }
}
