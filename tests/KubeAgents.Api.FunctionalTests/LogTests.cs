using System.Data.Common;
using System.Net;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Reports;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>Logs an operator can read: no error for what is not one, one line per cause, not one stack trace per request.</summary>
public class LogTests
{
    [SkippableFact]
    public async Task A_clean_first_start_on_an_empty_database_logs_no_error()
    {
        var logs = new LogCollector();
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres, configureServices: s => s.AddSingleton<ILoggerProvider>(logs));
        var client = api.CreateWireClient();

        await client.ReportAsync("first", "t", "running", KubeAgentsApi.Epoch);

        logs.Entries.Where(e => e.Level >= LogLevel.Error).Should().BeEmpty(string.Join('\n', logs.Entries));
    }

    [SkippableFact]
    public async Task An_outage_logs_one_warning_with_its_cause_then_one_a_window_with_a_count()
    {
        using var server = await PostgresServer.StartDedicatedOrSkipAsync();
        var logs = new LogCollector();
        await using var api = await KubeAgentsApi.StartAsync(
            StoreKind.Postgres,
            new Dictionary<string, string?> { ["ConnectionStrings:KubeAgents"] = await server.CreateDatabaseAsync("logs") + ";Timeout=3" },
            s => s.AddSingleton<ILoggerProvider>(logs));
        var client = api.CreateWireClient();
        await client.ReportAsync("agent", "t", "running", KubeAgentsApi.Epoch);
        var before = logs.Entries.Count;

        server.Stop();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                (await client.GetRawAsync("/api/agents")).Status.Should().Be(HttpStatusCode.ServiceUnavailable);
            }

            var first = logs.Entries.Skip(before).ToList();
            first.Where(e => e.Level >= LogLevel.Error).Should().BeEmpty(string.Join('\n', first));
            first.Where(e => e.Exception is not null && e.Level >= LogLevel.Warning).Should().BeEmpty(string.Join('\n', first));
            var unavailable = first.Where(e => e.Message.Contains("unavailable", StringComparison.OrdinalIgnoreCase)).ToList();
            unavailable.Should().ContainSingle(string.Join('\n', first));
            unavailable[0].Level.Should().Be(LogLevel.Warning);
            // The cause as PostgreSQL or the socket gave it: the pooled connection cut by the shutdown, or the refused connect.
            unavailable[0].Message.Should().MatchRegex("unavailable: (57P01: terminating connection|Failed to connect)").And.NotContain("\n");

            api.Clock.Advance(TimeSpan.FromSeconds(10));
            (await client.GetRawAsync("/api/agents")).Status.Should().Be(HttpStatusCode.ServiceUnavailable);

            var second = logs.Entries.Skip(before).Where(e => e.Message.Contains("unavailable", StringComparison.OrdinalIgnoreCase)).ToList();
            second.Should().HaveCount(2);
            second[1].Message.Should().Contain("9 more");
        }
        finally
        {
            server.Start();
        }
    }

    [SkippableFact]
    public async Task An_outage_pauses_notification_dispatch_with_one_line_and_says_when_it_resumes()
    {
        using var server = await PostgresServer.StartDedicatedOrSkipAsync();
        var logs = new LogCollector();
        await using var api = await KubeAgentsApi.StartAsync(
            StoreKind.Postgres,
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:KubeAgents"] = await server.CreateDatabaseAsync("dispatchlogs") + ";Timeout=3",
                ["NOTIFICATION_WEBHOOK_URL"] = $"http://127.0.0.1:{ServiceProcess.FreePort()}/nobody-listens",
            },
            s => s.AddSingleton<ILoggerProvider>(logs));
        var dispatcher = logs.Entries.Count;
        bool FromDispatcher(LogEntry e) => e.Category.EndsWith("NotificationDispatcher", StringComparison.Ordinal);

        server.Stop();
        try
        {
            // The dispatcher polls once a second on the service's clock: twenty polls into the outage.
            var polls = 0;
            await Eventually.TrueAsync(
                () => ++polls > 20 && logs.Entries.Skip(dispatcher).Any(e => FromDispatcher(e) && e.Message.Contains("paused", StringComparison.Ordinal)),
                "the dispatcher to notice the outage",
                between: () => api.Clock.Advance(TimeSpan.FromSeconds(1)),
                poll: TimeSpan.FromMilliseconds(50));

            var during = logs.Entries.Skip(dispatcher).Where(FromDispatcher).ToList();
            during.Where(e => e.Level >= LogLevel.Warning).Should().ContainSingle(string.Join('\n', during))
                .Which.Message.Should().MatchRegex("database is unavailable: .+").And.NotContain("\n");
            during.Should().OnlyContain(e => e.Exception == null, "an outage is not a bug: no stack trace");
        }
        finally
        {
            server.Start();
        }

        await Eventually.TrueAsync(
            () => logs.Entries.Any(e => FromDispatcher(e) && e.Message.Contains("resumed", StringComparison.Ordinal)),
            "the dispatcher to say it resumed",
            between: () => api.Clock.Advance(TimeSpan.FromSeconds(1)),
            poll: TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_client_that_aborts_mid_request_is_not_an_error()
    {
        var logs = new LogCollector();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = new BothStoresAttribute().GetData(null!).Select(row => (StoreKind)row[0]).Single(s => s != StoreKind.Postgres);
        await using var api = await KubeAgentsApi.StartAsync(store, configureServices: s =>
        {
            s.AddSingleton<ILoggerProvider>(logs);
            s.AddSingleton<IReportWriter>(new HangingWriter(entered, handled));
        });
        using var abort = new CancellationTokenSource();
        var client = api.CreateWireClient();
        var request = client.Http.PostAsync(
            "/webhook/status",
            new StringContent("""{"agent_id":"a","session_topic":"t","status":"running","timestamp":"2026-11-27T10:00:00Z"}""", System.Text.Encoding.UTF8, "application/json"),
            abort.Token);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await abort.CancelAsync();
        await FluentActions.Awaiting(() => request).Should().ThrowAsync<OperationCanceledException>();
        await handled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(200);

        logs.Entries.Where(e => e.Level >= LogLevel.Warning).Should().BeEmpty(string.Join('\n', logs.Entries));
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_client_that_aborts_while_its_report_is_being_written_is_not_an_error_and_the_report_commits(StoreKind store)
    {
        var logs = new LogCollector();
        var gate = new TransactionGate();
        await using var api = await KubeAgentsApi.StartAsync(store, configureServices: s =>
        {
            s.AddSingleton<ILoggerProvider>(logs);
            s.AddSingleton<IInterceptor>(gate);
        });
        var client = api.CreateWireClient();
        await client.ReportAsync("other", "t", "running", KubeAgentsApi.Epoch);
        gate.Close();
        using var abort = new CancellationTokenSource();
        var request = client.Http.PostAsync(
            "/webhook/status",
            new StringContent("""{"agent_id":"a","session_topic":"t","status":"running","timestamp":"2026-11-27T10:00:00Z"}""", System.Text.Encoding.UTF8, "application/json"),
            abort.Token);
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30));

        await abort.CancelAsync();
        await FluentActions.Awaiting(() => request).Should().ThrowAsync<OperationCanceledException>();
        gate.Open();

        // Queued is committed, whether or not its client still waits.
        await Eventually.TrueAsync(() => api.InDatabaseAsync(db => db.Sessions.AnyAsync(s => s.AgentId == "a")), "the report to commit");
        await client.ReportAsync("other", "t", "success", KubeAgentsApi.Epoch.AddSeconds(1));
        logs.Entries.Where(e => e.Level >= LogLevel.Warning).Should().BeEmpty(string.Join('\n', logs.Entries));
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_client_that_aborts_a_slow_read_is_not_an_error(StoreKind store)
    {
        var logs = new LogCollector();
        var slow = new SlowReads();
        await using var api = await KubeAgentsApi.StartAsync(store, configureServices: s =>
        {
            s.AddSingleton<ILoggerProvider>(logs);
            s.AddSingleton<IInterceptor>(slow);
        });
        var client = api.CreateWireClient();
        await client.ReportAsync("a", "t", "running", KubeAgentsApi.Epoch);
        slow.Armed = true;
        using var abort = new CancellationTokenSource();
        var request = client.Http.GetAsync("/api/agents", abort.Token);
        await slow.Entered.WaitAsync(TimeSpan.FromSeconds(30));

        await abort.CancelAsync();
        await FluentActions.Awaiting(() => request).Should().ThrowAsync<OperationCanceledException>();
        await slow.Cancelled.WaitAsync(TimeSpan.FromSeconds(30));
        slow.Armed = false;

        // A request after it is served and logged as usual: the aborted one has been handled by then.
        (await client.GetRawAsync("/api/agents")).Status.Should().Be(HttpStatusCode.OK);
        logs.Entries.Where(e => e.Level >= LogLevel.Warning).Should().BeEmpty(string.Join('\n', logs.Entries));
    }

    /// <summary>Holds the next write transaction at its start until opened.</summary>
    private sealed class TransactionGate : DbTransactionInterceptor
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource? _open;

        public Task Entered => _entered.Task;

        public void Close() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open?.TrySetResult();

        public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
            DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            if (_open is { } open)
            {
                _entered.TrySetResult();
                await open.Task;
            }

            return result;
        }
    }

    /// <summary>While armed, a query waits until its cancellation token fires.</summary>
    private sealed class SlowReads : DbCommandInterceptor
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public volatile bool Armed;

        public Task Entered => _entered.Task;

        public Task Cancelled => _cancelled.Task;

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            // A request's read, not a background service's (the event feed reads after every commit).
            if (Armed && cancellationToken.CanBeCanceled && !SqlCommandCounter.IsBackground(command))
            {
                _entered.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                finally
                {
                    _cancelled.TrySetResult();
                }
            }

            return result;
        }
    }

    private sealed class HangingWriter(TaskCompletionSource entered, TaskCompletionSource handled) : IReportWriter
    {
        public async Task WriteAsync(IncomingReport report, CancellationToken cancellationToken)
        {
            entered.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
                throw new InvalidOperationException("unreachable");
            }
            finally
            {
                _ = Task.Delay(100, CancellationToken.None).ContinueWith(_ => handled.TrySetResult(), TaskScheduler.Default);
            }
        }
    }
}
