using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Retention;
using KubeAgents.Infrastructure.Sessions;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

/// <summary><c>HISTORY_RETENTION_DAYS</c>: what is deleted, what is kept, in batches, on the fake clock.</summary>
// In the TimingCollection: the hosted-retention test moves the clock an hour per real-time poll, and
// failed twice with three other classes running beside it (it passed alone under the same load).
[Collection(TimingCollection.Name)]
public partial class RetentionTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> SevenDays = new()
    {
        ["HISTORY_RETENTION_DAYS"] = "7",
        // The tests sweep when they mean to.
        ["SESSION_SWEEP_INTERVAL_SECONDS"] = "86400",
    };

    [SkippableTheory]
    [BothStores]
    public async Task Retention_deletes_old_history_but_keeps_each_sessions_current_status(StoreKind store)
    {
        var logs = new LogCollector();
        await using var api = await KubeAgentsApi.StartAsync(store, SevenDays, s =>
        {
            s.AddSingleton<ILoggerProvider>(logs);
            WithoutHourlyRuns(s);
        });
        var client = api.CreateWireClient();
        var t0 = api.Clock.GetUtcNow();

        // A finished session, expired a minute later, of an agent never seen again.
        await client.ReportAsync("gone", "done", "running", t0, ttlMinutes: 1);
        await client.ReportAsync("gone", "done", "success", t0.AddSeconds(1));
        // An old entry of a session that is still reported to.
        await client.ReportAsync("busy", "long", "running", t0, message: "r1");

        // A session received 12 h in, with a 1-day TTL: expired for less than 7 days when retention runs.
        api.Clock.Advance(TimeSpan.FromHours(12));
        var t1 = api.Clock.GetUtcNow();
        await client.ReportAsync("quiet", "day", "running", t1.AddSeconds(2), message: "A", ttlMinutes: 1440);
        // Older, arriving later: history only.
        await client.ReportAsync("quiet", "day", "pending", t1.AddSeconds(1), message: "B");
        // The same timestamp as A, later: the tie goes to it, so it is the current status.
        await client.ReportAsync("quiet", "day", "success", t1.AddSeconds(2), message: "C");

        api.Clock.Advance(TimeSpan.FromDays(7.5));
        var now = api.Clock.GetUtcNow();
        await client.ReportAsync("busy", "long", "running", now, message: "r2");
        await api.Services.GetRequiredService<SessionSweeper>().SweepOnceAsync(CancellationToken.None);

        var result = await RunAsync(api);

        result.Should().Be(new RetentionResult(StatusEntries: 4, Sessions: 1, Agents: 1, Notifications: 0));
        (await client.GetRawAsync(Path("api", "agents", "gone"))).Status.Should().Be(System.Net.HttpStatusCode.NotFound);
        var quiet = await client.GetAsync(Path("api", "agents", "quiet", "sessions", "day"));
        quiet.Items("status_history").Select(e => e.Str("message")).Should().Equal("C");
        quiet.GetProperty("session").Str("current_status").Should().Be("success");
        var busy = await client.GetAsync(Path("api", "agents", "busy", "sessions", "long"));
        busy.Items("status_history").Select(e => e.Str("message")).Should().Equal("r2");
        var agents = (await client.GetAsync("/api/agents")).Items("agents");
        agents.Select(a => a.Str("agent_id")).Should().BeEquivalentTo("busy", "quiet");
        agents.Single(a => a.Str("agent_id") == "quiet").GetProperty("session_count").GetInt32().Should().Be(1);
        (await client.GetAsync(Path("api", "agents", "quiet", "status"))).Str("message").Should().Be("C");

        logs.Entries.Should().Contain(e => e.Category.EndsWith(nameof(HistoryRetention), StringComparison.Ordinal)
            && e.Level == LogLevel.Information && e.Message.Contains("deleted 4 status entries, 1 sessions, 1 agents", StringComparison.Ordinal));
        (await RunAsync(api)).Total.Should().Be(0, "a second run finds nothing left to delete");
        using var http = api.CreateClient();
        (await http.GetStringAsync(new Uri("/metrics", UriKind.Relative))).Should()
            .MatchRegex(@"(?m)^kubeagents_retention_deleted_total\{[^}]*table=""status_entries""[^}]*\} 4( |$)")
            .And.MatchRegex(@"(?m)^kubeagents_retention_deleted_total\{[^}]*table=""agents""[^}]*\} 1( |$)");
    }

    [SkippableTheory]
    [BothStores]
    public async Task An_agents_session_count_follows_the_sessions_retention_deletes(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store, SevenDays, WithoutHourlyRuns);
        var client = api.CreateWireClient();
        var t0 = api.Clock.GetUtcNow();
        foreach (var topic in new[] { "old-1", "old-2" })
        {
            await client.ReportAsync("mixed", topic, "success", t0, ttlMinutes: 1);
        }

        await client.ReportAsync("steady", "only", "running", t0, ttlMinutes: 1);
        api.Clock.Advance(TimeSpan.FromDays(7.5));
        var now = api.Clock.GetUtcNow();
        await client.ReportAsync("mixed", "new", "running", now);
        await client.ReportAsync("steady", "only", "running", now);
        await api.Services.GetRequiredService<SessionSweeper>().SweepOnceAsync(CancellationToken.None);
        (await SessionCountsAsync(client)).Should().Equal(("mixed", 3, 1), ("steady", 1, 1));

        (await RunAsync(api)).Sessions.Should().Be(2);

        (await SessionCountsAsync(client)).Should().Equal(("mixed", 1, 1), ("steady", 1, 1));
        (await client.GetAsync(Path("api", "agents", "mixed", "sessions"))).Items("sessions").Select(s => s.Str("session_topic")).Should().Equal("new");
        await client.ReportAsync("mixed", "old-1", "running", now.AddSeconds(1));
        (await SessionCountsAsync(client)).Should().Equal([("mixed", 2, 2), ("steady", 1, 1)], "a topic retention deleted opens a new session");
    }

    private static async Task<List<(string AgentId, int Sessions, int Active)>> SessionCountsAsync(WireClient client) =>
        [.. (await client.GetAsync("/api/agents")).Items("agents")
            .Select(a => (a.Str("agent_id")!, a.GetProperty("session_count").GetInt32(), a.GetProperty("active_session_count").GetInt32()))
            .OrderBy(a => a.Item1, StringComparer.Ordinal)];

    [SkippableTheory]
    [BothStores]
    public async Task Retention_deletes_at_most_a_thousand_rows_per_statement(StoreKind store)
    {
        using var deletes = new DeleteRecorder();
        await using var api = await KubeAgentsApi.StartAsync(store, SevenDays, s =>
        {
            s.AddSingleton<IInterceptor>(deletes);
            WithoutHourlyRuns(s);
        });
        deletes.Listen(api);
        var t0 = api.Clock.GetUtcNow();
        await api.InDatabaseAsync(async db =>
        {
            var agent = Agent.Register("bulk", t0);
            db.Agents.Add(agent);
            var session = Session.Open("bulk", "history", t0);
            db.Sessions.Add(session);
            for (var i = 0; i < 2500; i++)
            {
                var report = new StatusReport(SessionStatus.Running, t0.AddSeconds(i), $"#{i}", null, 1440);
                session.Record(report, t0);
                agent.Record(null, null, report, t0);
            }

            return await db.SaveChangesAsync();
        });
        api.Clock.Advance(TimeSpan.FromDays(8));

        var result = await RunAsync(api);

        result.StatusEntries.Should().Be(2499, "all but the current entry");
        deletes.Counts.Should().OnlyContain(n => n <= HistoryRetention.BatchSize);
        deletes.Counts.Should().Equal([1000, 1000, 499], "2,500 entries received at one instant: each batch goes on among them");
        var left = await api.InDatabaseAsync(db => db.StatusEntries.AsNoTracking().Select(e => e.Message).ToListAsync());
        left.Should().Equal("#2499");
    }

    /// <summary>
    /// Each batch starts where the one before ended (not at the oldest entry, which would check the kept
    /// current entries before it again every time); entries the batches pass over must still all go.
    /// </summary>
    [SkippableTheory]
    [BothStores]
    public async Task Retention_in_batches_misses_no_entry_between_the_current_ones_it_keeps(StoreKind store)
    {
        using var deletes = new DeleteRecorder();
        await using var api = await KubeAgentsApi.StartAsync(store, SevenDays, WithoutHourlyRuns);
        deletes.Listen(api);
        var t0 = api.Clock.GetUtcNow();
        await api.InDatabaseAsync(async db =>
        {
            var sessions = new List<(Agent Agent, Session Session)>();
            foreach (var agentId in new[] { "a", "b", "c" })
            {
                var agent = Agent.Register(agentId, t0);
                db.Agents.Add(agent);
                for (var s = 0; s < 10; s++)
                {
                    var session = agent.OpenSession($"t{s}", t0);
                    db.Sessions.Add(session);
                    sessions.Add((agent, session));
                }
            }

            // Received one after another, round robin: every session's current (last) entry is among
            // the last 30, the old ones of all sessions interleaved before them, each its own instant.
            var received = t0;
            for (var i = 0; i < 250; i++)
            {
                foreach (var (agent, session) in sessions)
                {
                    received = received.AddMilliseconds(10);
                    var report = new StatusReport(i == 249 ? SessionStatus.Success : SessionStatus.Running, received, $"#{i}", null, 1);
                    session.Record(report, received);
                    agent.Record(null, null, report, received);
                }
            }

            return await db.SaveChangesAsync();
        });
        api.Clock.Advance(TimeSpan.FromDays(8));
        await api.Services.GetRequiredService<SessionSweeper>().SweepOnceAsync(CancellationToken.None);

        var result = await RunAsync(api);

        result.Should().Be(new RetentionResult(StatusEntries: 30 * 249, Sessions: 30, Agents: 3, Notifications: 0));
        deletes.Counts.Should().Equal([1000, 1000, 1000, 1000, 1000, 1000, 1000, 470]);
        (await api.InDatabaseAsync(db => db.StatusEntries.CountAsync())).Should().Be(0);
        (await RunAsync(api)).Total.Should().Be(0);
    }

    [SkippableFact]
    public async Task Two_replicas_run_retention_beside_reports_without_failing_or_losing_a_report()
    {
        var server = await PostgresServer.GetOrSkipAsync();
        var settings = new Dictionary<string, string?>(SevenDays) { ["ConnectionStrings:KubeAgents"] = await server.CreateDatabaseAsync("retention_replicas") };
        var logs = new LogCollector();
        void Configure(IServiceCollection s)
        {
            s.AddSingleton<ILoggerProvider>(logs);
            WithoutHourlyRuns(s);
            // Moving each replica's clock 8 days fires its own sweeper, whose agent locks, taken at a
            // moment the test does not know, retention skips (SKIP LOCKED): the test sweeps once, itself.
            WithoutHostedSweeper(s);
        }

        await using var first = await KubeAgentsApi.StartAsync(StoreKind.Postgres, settings, Configure);
        await using var second = await KubeAgentsApi.StartAsync(StoreKind.Postgres, settings, Configure);
        var client = first.CreateWireClient();
        const int Sessions = 300;
        for (var i = 0; i < Sessions; i++)
        {
            await client.ReportAsync($"agent-{i % 30}", $"topic-{i}", "running", first.Clock.GetUtcNow(), ttlMinutes: 1);
            await client.ReportAsync($"agent-{i % 30}", $"topic-{i}", "success", first.Clock.GetUtcNow().AddSeconds(1));
        }

        first.Clock.Advance(TimeSpan.FromDays(8));
        second.Clock.Advance(TimeSpan.FromDays(8));
        await first.Services.GetRequiredService<SessionSweeper>().SweepOnceAsync(CancellationToken.None);

        // Every third session is reported to again while both replicas delete: a report either revives
        // its session before retention takes it, or comes after and starts it afresh; never fails.
        var reports = Enumerable.Range(0, Sessions).Where(i => i % 3 == 0).Select(async i =>
            await second.CreateWireClient().ReportAsync($"agent-{i % 30}", $"topic-{i}", "running", second.Clock.GetUtcNow(), message: "again"));
        var runs = new[] { RunAsync(first), RunAsync(second) };
        await Task.WhenAll(reports);
        var results = await Task.WhenAll(runs);

        results.Sum(r => r.Sessions).Should().BeInRange(Sessions * 2 / 3, Sessions);
        var kept = await first.InDatabaseAsync(db => db.Sessions.AsNoTracking().OrderBy(s => s.Topic).Select(s => s.Topic).ToListAsync());
        kept.Should().BeEquivalentTo(Enumerable.Range(0, Sessions).Where(i => i % 3 == 0).Select(i => $"topic-{i}"));
        foreach (var i in new[] { 0, 150, 297 })
        {
            var session = await client.GetAsync(Path("api", "agents", $"agent-{i % 30}", "sessions", $"topic-{i}"));
            session.Items("status_history")[0].Str("message").Should().Be("again");
        }

        logs.Entries.Where(e => e.Level >= LogLevel.Warning).Should().BeEmpty(string.Join('\n', logs.Entries));
    }

    [SkippableTheory]
    [BothStores]
    public async Task Hosted_retention_runs_hourly_on_the_clock(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store, new Dictionary<string, string?>(SevenDays) { ["SESSION_SWEEP_INTERVAL_SECONDS"] = "60" });
        var client = api.CreateWireClient();
        await client.ReportAsync("agent", "t", "running", api.Clock.GetUtcNow(), ttlMinutes: 1);
        await client.ReportAsync("agent", "t", "success", api.Clock.GetUtcNow().AddSeconds(1));

        // Eight days in an hour's steps: the sweeper's and retention's timers fire on the fake clock.
        // About 200 polls, each a query: a few seconds on a quiet machine, and it took over 30 s with
        // the load average at 60, so the bound is generous (it is only reached when retention never runs).
        await Eventually.TrueAsync(
            () => api.InDatabaseAsync(db => db.Agents.AnyAsync()).ContinueWith(t => !t.Result, TaskScheduler.Default),
            "retention to delete the agent",
            timeout: TimeSpan.FromMinutes(3),
            between: () => api.Clock.Advance(TimeSpan.FromHours(1)),
            poll: TimeSpan.FromMilliseconds(20));
        api.Clock.GetUtcNow().Should().BeAfter(KubeAgentsApi.Epoch.AddDays(7), "nothing is deleted before it is 7 days old");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Hosted_retention_first_runs_a_minute_after_start_not_an_hour(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store, SevenDays);
        var old = api.Clock.GetUtcNow().AddDays(-10);
        await api.InDatabaseAsync(async db =>
        {
            db.Agents.Add(Agent.Register("restarted-often", old));
            var session = Session.Open("restarted-often", "t", old);
            db.Sessions.Add(session);
            session.Record(new StatusReport(SessionStatus.Running, old, "old", null, 1440), old);
            session.Record(new StatusReport(SessionStatus.Running, old.AddDays(5), "current", null, 1440), old.AddDays(5));
            return await db.SaveChangesAsync();
        });
        var started = api.Clock.GetUtcNow();

        await Eventually.TrueAsync(
            () => api.InDatabaseAsync(db => db.StatusEntries.CountAsync()).ContinueWith(t => t.Result == 1, TaskScheduler.Default),
            "the first run to delete the 10-day-old entry",
            between: () => api.Clock.Advance(TimeSpan.FromSeconds(10)),
            poll: TimeSpan.FromMilliseconds(20));
        (api.Clock.GetUtcNow() - started).Should().BeLessThan(TimeSpan.FromMinutes(5), "a pod restarted more often than hourly still runs retention");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Without_retention_days_nothing_is_deleted_and_no_job_runs(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        api.Services.GetService<HistoryRetention>().Should().BeNull();
    }

    /// <summary>
    /// 10,000 old entries over 100 sessions, each with a newer current entry, go in statements of at most
    /// 1,000 rows; the test prints each DELETE's time. <c>KUBEAGENTS_RETENTION_BENCH=1</c> makes it the
    /// measurement in README: 100,000 entries over 1,000 sessions
    /// (<c>dotnet test ... --filter Retention_of_many --logger "console;verbosity=detailed"</c>).
    /// </summary>
    [SkippableTheory]
    [BothStores]
    public async Task Retention_of_many_entries_goes_in_bounded_statements(StoreKind store)
    {
        var agents = Environment.GetEnvironmentVariable("KUBEAGENTS_RETENTION_BENCH") == "1" ? 100 : 10;
        using var deletes = new DeleteRecorder();
        await using var api = await KubeAgentsApi.StartAsync(store, SevenDays, s =>
        {
            s.AddSingleton<IInterceptor>(deletes);
            WithoutHourlyRuns(s);
        });
        deletes.Listen(api);
        var t0 = api.Clock.GetUtcNow();
        for (var a = 0; a < agents; a++)
        {
            await api.InDatabaseAsync(async db =>
            {
                var agent = Agent.Register($"agent-{a}", t0);
                db.Agents.Add(agent);
                for (var s = 0; s < 10; s++)
                {
                    var session = Session.Open(agent.AgentId, $"topic-{s}", t0);
                    db.Sessions.Add(session);
                    for (var i = 0; i < 100; i++)
                    {
                        session.Record(new StatusReport(SessionStatus.Running, t0.AddSeconds(i), $"#{i}", null, 1440), t0);
                    }

                    session.Record(new StatusReport(SessionStatus.Success, t0.AddDays(10), "current", null, 0), t0.AddDays(10));
                }

                return await db.SaveChangesAsync();
            });
        }

        api.Clock.Advance(TimeSpan.FromDays(10));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await RunAsync(api);
        watch.Stop();

        result.StatusEntries.Should().Be(agents * 1_000);
        deletes.Counts.Should().OnlyContain(rows => rows <= 1_000, "no statement deletes more than 1,000 rows");
        deletes.Counts.Sum().Should().Be(agents * 1_000, "only the old entries go: every session keeps its current entry");
        var times = deletes.Durations.Select(d => d.TotalMilliseconds).Order().ToList();
        output.WriteLine($"{store}: {result.StatusEntries} entries in {watch.Elapsed.TotalSeconds:0.00} s, {times.Count} DELETEs, median {times[times.Count / 2]:0.0} ms, 95th {times[times.Count * 95 / 100]:0.0} ms, max {times[^1]:0.0} ms; in order: {string.Join(" ", deletes.Durations.Take(5).Select(d => d.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))} ...");
    }

    /// <summary>The test runs retention itself: moving the clock by days must not fire the hourly run beside it.</summary>
    private static void WithoutHourlyRuns(IServiceCollection services) =>
        services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(HistoryRetentionSchedule)));

    private static void WithoutHostedSweeper(IServiceCollection services) =>
        services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory is Func<IServiceProvider, SessionSweeper>));

    private static Task<RetentionResult> RunAsync(KubeAgentsApi api) =>
        api.Services.GetRequiredService<HistoryRetention>().RunOnceAsync(CancellationToken.None);

    /// <summary>
    /// The status entries each retention statement deleted (from <c>kubeagents.retention.deleted</c>,
    /// one measurement a statement), and how long each statement that deletes them took.
    /// </summary>
    private sealed class DeleteRecorder : DbCommandInterceptor, IDisposable
    {
        private readonly ConcurrentQueue<int> _counts = new();
        private readonly ConcurrentQueue<TimeSpan> _durations = new();
        private MeterListener? _listener;

        public IReadOnlyList<int> Counts => [.. _counts];

        public IReadOnlyList<TimeSpan> Durations => [.. _durations];

        /// <summary>Listens to the service's meter (not to another test's service running beside it).</summary>
        public void Listen(KubeAgentsApi api)
        {
            var factory = api.Services.GetRequiredService<IMeterFactory>();
            _listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Scope == factory && instrument.Name == "kubeagents.retention.deleted")
                    {
                        l.EnableMeasurementEvents(instrument);
                    }
                },
            };
            _listener.SetMeasurementEventCallback<long>((_, rows, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag is { Key: "table", Value: "status_entries" })
                    {
                        _counts.Enqueue((int)rows);
                    }
                }
            });
            _listener.Start();
        }

        public void Dispose() => _listener?.Dispose();

        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            Time(command, eventData);
            return base.NonQueryExecutedAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            Time(command, eventData);
            return base.ReaderExecutedAsync(command, eventData, result, cancellationToken);
        }

        private void Time(DbCommand command, CommandExecutedEventData eventData)
        {
            if (DeletesEntries().IsMatch(command.CommandText))
            {
                _durations.Enqueue(eventData.Duration);
            }
        }
    }

    [GeneratedRegex("""DELETE FROM "?status_entries""", RegexOptions.IgnoreCase)]
    private static partial Regex DeletesEntries();
}
