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
/// On PostgreSQL the expiry sweeper and the write pipeline run side by side, on different connections.
/// The sweeper locks the agents of the sessions it marks, as a batch locks its agents, so it waits
/// for a batch that holds one of them, and then sees what the batch committed. (SQLite's single write
/// lock serialises the two, so the race cannot happen there.)
/// </summary>
public class SweeperRaceTests
{
    [SkippableFact]
    public async Task A_sweep_that_starts_during_a_batch_waits_for_it_and_leaves_the_session_it_revived()
    {
        var sweepDuringBatch = new SweepAfterSessionRead();
        // The service's own sweeper stays out of the way (its first tick is a day off): the one sweep
        // that matters is the interceptor's, started between the batch's read and its write.
        await using var api = await KubeAgentsApi.StartAsync(
            StoreKind.Postgres,
            new Dictionary<string, string?> { ["SESSION_SWEEP_INTERVAL_SECONDS"] = "86400" },
            s => s.AddSingleton<IInterceptor>(sweepDuringBatch));
        var client = api.CreateWireClient();
        await client.ReportAsync("agent", "t", "running", KubeAgentsApi.Epoch);
        await client.ReportAsync("agent", "other", "running", KubeAgentsApi.Epoch);
        api.Clock.Advance(TimeSpan.FromMinutes(Session.DefaultTtlMinutes + 1));
        var late = api.Clock.GetUtcNow();

        sweepDuringBatch.Arm(api, late);
        await client.ReportAsync("agent", "t", "running", late);

        (await sweepDuringBatch.Sweep!).Should().Be(1, "the sweep waited for the batch, which revived t: only the other session was due");
        var stored = await api.InDatabaseAsync(db => db.Sessions.AsNoTracking().OrderBy(s => s.Topic).ToListAsync());
        stored.Select(s => (s.Topic, s.Expired)).Should().Equal(("other", true), ("t", false));
        stored[1].ExpiresAt.Should().Be(late.AddMinutes(Session.DefaultTtlMinutes));
        var agent = await api.InDatabaseAsync(db => db.Agents.AsNoTracking().SingleAsync());
        (agent.SessionCount, agent.LiveSessionCount).Should().Be((2, 1));
    }

    /// <summary>
    /// Once armed, starts one sweep right after the write pipeline has read a batch's sessions, and
    /// lets the batch go on only once that sweep waits on a lock: the batch holds its agent's row.
    /// </summary>
    private sealed class SweepAfterSessionRead : DbCommandInterceptor
    {
        private KubeAgentsApi? _api;
        private DateTimeOffset _now;

        public Task<int>? Sweep { get; private set; }

        public void Arm(KubeAgentsApi api, DateTimeOffset now)
        {
            _now = now;
            _api = api;
        }

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains(ReportWritePipeline.SessionsQueryTag, StringComparison.Ordinal) &&
                Interlocked.Exchange(ref _api, null) is { } api)
            {
                Sweep = Task.Run(async () =>
                {
                    await using var scope = api.Services.CreateAsyncScope();
                    return await scope.ServiceProvider.GetRequiredService<SessionExpiryStore>().ExpireDueSessionsAsync(_now, CancellationToken.None);
                });
                await Eventually.TrueAsync(
                    async () => Sweep.IsCompleted || await api.InDatabaseAsync(db => db.Database
                        .SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
                        .SingleAsync()) > 0,
                    "the sweep to wait on the batch's lock",
                    TimeSpan.FromSeconds(30));
                Sweep.IsCompleted.Should().BeFalse("the sweep cannot finish while the batch holds its agent");
            }

            return result;
        }
    }
}
