using System.Net;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Reports;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Persistence;
using KubeAgents.Infrastructure.Reports;
using KubeAgents.TestSupport;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// Group commit on each store: reports queued behind a held write lock end up in one batch, so the
/// tests see what a batch does with a bad report, with one agent's order, and with a full queue.
/// Each test has a service of its own: holding the store's lock would stall the shared one. They run
/// in the <see cref="TimingCollection"/>: SQLite's writer gives up after its 30 s busy timeout, and a
/// held lock outlived it once with three other classes and a full build on the 2 cores.
/// </summary>
[Collection(TimingCollection.Name)]
public class WritePipelineTests
{
    [SkippableTheory]
    [BothStores]
    public async Task A_report_the_store_refuses_fails_alone_and_the_rest_of_its_batch_commits(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        var writer = api.Services.GetRequiredService<IReportWriter>();
        await writer.WriteAsync(Report(api, "iso", "t", "r0"), CancellationToken.None);

        Task good1, bad, good2, good3;
        await using (await WriteLock.HoldAsync(api, "iso"))
        {
            good1 = writer.WriteAsync(Report(api, "iso", "t", "r1"), CancellationToken.None);
            // Past the store's topic length check: validation would refuse it, the store refuses it here.
            bad = writer.WriteAsync(Report(api, "iso", new string('x', Session.MaxTopicLength + 1), "bad"), CancellationToken.None);
            good2 = writer.WriteAsync(Report(api, "iso", "t", "r2"), CancellationToken.None);
            good3 = writer.WriteAsync(Report(api, "other", "t", "r3"), CancellationToken.None);
            good1.IsCompleted.Should().BeFalse("the store's write lock is held");
        }

        await FluentActions.Awaiting(() => bad).Should().ThrowAsync<DbUpdateException>();
        await Task.WhenAll(good1, good2, good3);
        var messages = await api.InDatabaseAsync(db => db.StatusEntries.Select(e => e.Message).ToListAsync());
        messages.Should().BeEquivalentTo(["r0", "r1", "r2", "r3"]);
        (await api.InDatabaseAsync(db => db.Sessions.CountAsync())).Should().Be(2);
    }

    /// <summary>
    /// The embedded store numbers a batch's new sessions and entries itself (set-based writes): after
    /// the AUTOINCREMENT counter, so the id of a deleted newest row is not given again, and each new
    /// entry points at its new session.
    /// </summary>
    [SkippableTheory]
    [BothStores]
    public async Task The_id_of_a_deleted_session_is_never_given_again(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        var writer = api.Services.GetRequiredService<IReportWriter>();
        await writer.WriteAsync(Report(api, "ids", "first", "m1"), CancellationToken.None);
        await writer.WriteAsync(Report(api, "ids", "second", "m2"), CancellationToken.None);
        var newest = await api.InDatabaseAsync(db => db.Sessions.MaxAsync(s => s.Id));
        var newestEntry = await api.InDatabaseAsync(db => db.StatusEntries.MaxAsync(e => e.Id));
        await api.InDatabaseAsync(db => db.Sessions.Where(s => s.Id == newest).ExecuteDeleteAsync());

        await Task.WhenAll(
            writer.WriteAsync(Report(api, "ids", "third", "m3"), CancellationToken.None),
            writer.WriteAsync(Report(api, "ids-2", "fourth", "m4"), CancellationToken.None));

        var sessions = await api.InDatabaseAsync(db => db.Sessions.AsNoTracking().Where(s => s.Topic == "third" || s.Topic == "fourth").ToListAsync());
        sessions.Should().HaveCount(2).And.OnlyContain(s => s.Id > newest);
        var entries = await api.InDatabaseAsync(db => db.StatusEntries.AsNoTracking().Where(e => e.Message == "m3" || e.Message == "m4").ToListAsync());
        entries.Should().HaveCount(2).And.OnlyContain(e => e.Id > newestEntry);
        entries.Single(e => e.Message == "m3").SessionId.Should().Be(sessions.Single(s => s.Topic == "third").Id);
        entries.Single(e => e.Message == "m4").SessionId.Should().Be(sessions.Single(s => s.Topic == "fourth").Id);
    }

    /// <summary>
    /// A batch reads its agents and sessions by their exact ids and (agent, topic) pairs: a pair made
    /// of one stored session's agent and another's topic is a new session, "7" is not "007" and "a" is
    /// not "A", and any text, JSON's own characters, escapes and characters beyond the BMP included,
    /// finds its agent and session again.
    /// </summary>
    [SkippableTheory]
    [BothStores]
    public async Task A_batch_finds_each_session_by_its_exact_agent_and_topic(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        var writer = api.Services.GetRequiredService<IReportWriter>();
        (string Agent, string Topic)[] stored =
        [
            ("a", "1"), ("b", "2"), ("quote\"d", "back\\slash"), ("[\"a\",\"1\"]", "{\"x\":1}"),
            ("emoji \U0001F600", "日本語 topic"), ("tab\tand\nline", "it's <&>"), ("007", "1"), ("A", "x"),
        ];
        foreach (var (agent, topic) in stored)
        {
            await writer.WriteAsync(Report(api, agent, topic, "first"), CancellationToken.None);
        }

        // Crossed pairs, a number's other spelling, another case: each a new session.
        (string Agent, string Topic)[] crossed = [("a", "2"), ("b", "1"), ("quote\"d", "{\"x\":1}"), ("7", "1"), ("a", "x")];
        Task[] writes;
        await using (await WriteLock.HoldAsync(api, null))
        {
            writes = [.. stored.Concat(crossed).Select(p => writer.WriteAsync(Report(api, p.Agent, p.Topic, "second"), CancellationToken.None))];
        }

        await Task.WhenAll(writes);
        var sessions = await api.InDatabaseAsync(db => db.Sessions.AsNoTracking().Select(s => new { s.Id, s.AgentId, s.Topic }).ToListAsync());
        sessions.Select(s => (s.AgentId, s.Topic)).Should().BeEquivalentTo(stored.Concat(crossed));
        (await api.InDatabaseAsync(db => db.Agents.Select(a => a.AgentId).ToListAsync()))
            .Should().BeEquivalentTo(stored.Concat(crossed).Select(p => p.Agent).Distinct());
        var entries = await api.InDatabaseAsync(db => db.StatusEntries.AsNoTracking().Select(e => new { e.SessionId, e.Message }).ToListAsync());
        foreach (var session in sessions)
        {
            var expected = stored.Contains((session.AgentId, session.Topic)) ? new[] { "first", "second" } : ["second"];
            entries.Where(e => e.SessionId == session.Id).Select(e => e.Message).Should().BeEquivalentTo(expected, $"{session.AgentId}/{session.Topic}");
        }
    }

    [SkippableTheory]
    [BothStores]
    public async Task One_agents_reports_are_applied_in_the_order_they_arrived(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        var writer = api.Services.GetRequiredService<IReportWriter>();
        var client = api.CreateWireClient();

        Task[] writes;
        await using (await WriteLock.HoldAsync(api, null))
        {
            // Same timestamp everywhere: the later arrival wins ties, so order is all that decides.
            writes = [.. Enumerable.Range(0, 200).Select(i => writer.WriteAsync(
                Report(api, i % 2 == 0 ? "ordered" : $"noise-{i % 7}", "t", $"m{i}", i == 198 ? SessionStatus.Success : SessionStatus.Running),
                CancellationToken.None))];
        }

        await Task.WhenAll(writes);
        var detail = await client.GetAsync(Path("api", "agents", "ordered", "sessions", "t") + "?history_limit=1000");
        detail.Items("status_history").Select(e => e.GetProperty("message").GetString())
            .Should().Equal(Enumerable.Range(0, 100).Select(i => $"m{198 - (2 * i)}"), "newest first: the reverse of arrival");
        detail.GetProperty("session").GetProperty("current_status").GetString().Should().Be("success");
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_full_queue_answers_503_with_retry_after_and_changes_nothing(StoreKind store)
    {
        var wait = TimeSpan.FromSeconds(5);
        await using var api = await KubeAgentsApi.StartAsync(store, configureServices: services =>
            services.Configure<WritePipelineOptions>(o =>
            {
                o.Writers = 1;
                o.QueueCapacity = 1;
                o.QueueWait = wait;
            }));
        var pipeline = api.Services.GetRequiredService<ReportWritePipeline>();
        var client = api.CreateWireClient();

        Task[] queued;
        (HttpStatusCode Status, System.Text.Json.JsonElement Body) refused;
        await using (await WriteLock.HoldAsync(api, null))
        {
            // One report in the writer's hands, waiting for the lock; one filling the queue.
            var taken = pipeline.WriteAsync(Report(api, "busy", "t", "q0"), CancellationToken.None);
            await Eventually.TrueAsync(() => pipeline.QueueDepth == 0, "the writer to take the first report");
            queued = [taken, pipeline.WriteAsync(Report(api, "busy", "t", "q1"), CancellationToken.None)];
            pipeline.QueueDepth.Should().Be(1);

            var post = client.ReportRawAsync(new { agent_id = "late", session_topic = "t", status = "running", timestamp = "2026-11-27T10:00:00Z" });
            // The wait is measured on the service's clock: move it until the request gives up.
            await Eventually.TrueAsync(() => post.IsCompleted, "the queued request to give up", between: () => api.Clock.Advance(wait));
            refused = await post;
        }

        refused.Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        refused.Body.GetProperty("error").GetString().Should().Be("unavailable");
        await Task.WhenAll(queued);
        (await client.GetRawAsync(Path("api", "agents", "late"))).Status.Should().Be(HttpStatusCode.NotFound);
        (await api.InDatabaseAsync(db => db.StatusEntries.CountAsync())).Should().Be(2);
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_batch_whose_commit_is_in_doubt_fails_with_503_and_is_never_applied_twice(StoreKind store)
    {
        var doubt = new CommitInDoubt();
        await using var api = await KubeAgentsApi.StartAsync(store, configureServices: s => s.AddSingleton<IInterceptor>(doubt));
        var pipeline = api.Services.GetRequiredService<ReportWritePipeline>();
        await pipeline.WriteAsync(Report(api, "doubt", "t", "r0"), CancellationToken.None);

        Task first;
        Task[] batch;
        await using (await WriteLock.HoldAsync(api, null))
        {
            // r1 in the writer's hands, r2 and r3 queued behind it: the next batch holds both.
            first = pipeline.WriteAsync(Report(api, "doubt", "t", "r1"), CancellationToken.None);
            await Eventually.TrueAsync(() => pipeline.QueueDepth == 0, "the writer to take r1");
            batch = [pipeline.WriteAsync(Report(api, "doubt", "t", "r2"), CancellationToken.None),
                pipeline.WriteAsync(Report(api, "doubt", "t", "r3"), CancellationToken.None)];
            // r1's commit goes through; the one after it (r2 and r3) commits, then throws.
            doubt.ThrowAfterCommit(skip: 1);
        }

        await first;
        foreach (var write in batch)
        {
            (await FluentActions.Awaiting(() => write).Should().ThrowAsync<Application.Common.Exceptions.ServiceUnavailableException>())
                .WithMessage("*may be stored*");
        }

        doubt.Fired.Should().BeTrue();
        var messages = await api.InDatabaseAsync(db => db.StatusEntries.Where(e => e.AgentId == "doubt").Select(e => e.Message).ToListAsync());
        messages.Should().BeEquivalentTo(["r0", "r1", "r2", "r3"], "a committed batch is not split and applied again");
    }

    [SkippableTheory]
    [BothStores]
    public async Task The_503_carries_an_honest_retry_after(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store, configureServices: services =>
            services.AddSingleton<IReportWriter, FullQueue>());
        using var response = await api.CreateClient().PostAsync(
            "/webhook/status",
            new StringContent("""{"agent_id":"a","session_topic":"t","status":"running","timestamp":"2026-11-27T10:00:00Z"}"""));

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(3));
    }

    private static IncomingReport Report(KubeAgentsApi api, string agent, string topic, string message, SessionStatus status = SessionStatus.Running) =>
        new(agent, topic, null, null, new StatusReport(status, KubeAgentsApi.Epoch, message, null, 0), api.Clock.GetUtcNow());

    private sealed class FullQueue : IReportWriter
    {
        public Task WriteAsync(IncomingReport report, CancellationToken cancellationToken) =>
            throw new Application.Common.Exceptions.ServiceUnavailableException("queue full") { RetryAfter = TimeSpan.FromSeconds(2.5) };
    }

    /// <summary>Once armed, lets <c>skip</c> commits through, then throws after the next one committed: a commit in doubt.</summary>
    private sealed class CommitInDoubt : DbTransactionInterceptor
    {
        private int _skip = -1;

        public bool Fired { get; private set; }

        public void ThrowAfterCommit(int skip) => Volatile.Write(ref _skip, skip);

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (Volatile.Read(ref _skip) >= 0 && Interlocked.Decrement(ref _skip) == -1)
            {
                Fired = true;
                throw new IOException("connection lost while the commit was answered");
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// Holds what the pipeline's writer needs next: SQLite's write lock (an open write transaction),
    /// or in PostgreSQL the agent's row lock (a report of that agent waits for it) or, with no agent,
    /// a table lock on agents.
    /// </summary>
    private sealed class WriteLock : IAsyncDisposable
    {
        private readonly AsyncServiceScope _scope;
        private readonly IDbContextTransaction _transaction;

        private WriteLock(AsyncServiceScope scope, IDbContextTransaction transaction)
        {
            _scope = scope;
            _transaction = transaction;
        }

        public static async Task<WriteLock> HoldAsync(KubeAgentsApi api, string? agentId)
        {
            var scope = api.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>();
            var transaction = await db.Database.BeginTransactionAsync();
            if (api.Store == StoreKind.Postgres)
            {
                await (agentId is null
                    ? db.Database.ExecuteSqlRawAsync("LOCK TABLE agents IN EXCLUSIVE MODE")
                    : db.Database.ExecuteSqlAsync($"SELECT 1 FROM agents WHERE agent_id = {agentId} FOR UPDATE"));
            }
            else
            {
                // BEGIN IMMEDIATE took the write lock; a write makes sure of it.
                await db.Database.ExecuteSqlRawAsync("UPDATE agents SET name = name WHERE 0");
            }

            return new WriteLock(scope, transaction);
        }

        public async ValueTask DisposeAsync()
        {
            await _transaction.RollbackAsync();
            await _transaction.DisposeAsync();
            await _scope.DisposeAsync();
        }
    }
}
