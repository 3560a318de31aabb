using KubeAgents.Infrastructure.Persistence;
using KubeAgents.Infrastructure.Persistence.Sqlite;
using KubeAgents.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Infrastructure.IntegrationTests;

/// <summary>
/// The SQLite store's write gate (<see cref="SqliteWriteGate"/>) through the store's own
/// registrations, on a database of its own with no background service writing: every way a write
/// transaction can end lets the next writer in, waiters are admitted in arrival order, and a wait
/// ends as a busy store does (an outage, 503).
/// </summary>
public class SqliteWriteGateTests
{
    /// <summary>Well under the gate's own 30 s bound, so a writer left waiting fails here, not as busy; seconds above the quiet time (milliseconds).</summary>
    private static readonly TimeSpan Admitted = TimeSpan.FromSeconds(20);

    public enum Ending
    {
        Commit,
        Rollback,
        FailedCommit,
        DisposeWithoutCommit,
        ScopeDisposedWithTransactionOpen,
    }

    [Theory]
    [InlineData(Ending.Commit)]
    [InlineData(Ending.Rollback)]
    [InlineData(Ending.FailedCommit)]
    [InlineData(Ending.DisposeWithoutCommit)]
    [InlineData(Ending.ScopeDisposedWithTransactionOpen)]
    public async Task The_next_writer_gets_in_however_a_transaction_ends(Ending ending)
    {
        await using var store = await Store.StartAsync();
        var first = store.Services.CreateAsyncScope();
        var db = Store.Db(first);
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys = ON");
        var transaction = await db.Database.BeginTransactionAsync();
        // A deferred foreign key is checked at COMMIT: the commit fails and the transaction stays open.
        await db.Database.ExecuteSqlRawAsync(ending == Ending.FailedCommit ? "INSERT INTO child VALUES (42)" : "INSERT INTO arrival (n) VALUES (1)");
        store.Gate.IsHeld.Should().BeTrue();

        var second = store.WriteInTransactionAsync(2);
        await Eventually.TrueAsync(() => store.Gate.Waiting == 1, "the second writer to queue");
        second.IsCompleted.Should().BeFalse("the first writer holds the gate");

        switch (ending)
        {
            case Ending.Commit:
                await transaction.CommitAsync();
                break;
            case Ending.Rollback:
                await transaction.RollbackAsync();
                break;
            case Ending.FailedCommit:
                var commit = () => transaction.CommitAsync();
                (await commit.Should().ThrowAsync<SqliteException>()).Which.SqliteErrorCode.Should().Be(19, "SQLITE_CONSTRAINT");
                store.Gate.Waiting.Should().Be(1, "the failed transaction still holds SQLite's lock until it is rolled back");
                await transaction.DisposeAsync();
                break;
            case Ending.DisposeWithoutCommit:
                await transaction.DisposeAsync();
                break;
            case Ending.ScopeDisposedWithTransactionOpen:
                // The pooled context is reset, which disposes the transaction it still holds.
                break;
        }

        await first.DisposeAsync();
        await second.WaitAsync(Admitted);
        await Eventually.TrueAsync(() => !store.Gate.IsHeld, "the gate to be free");
        (await store.ArrivalsAsync()).Should().Equal(ending == Ending.Commit ? new[] { 1, 2 } : new[] { 2 });
    }

    [Fact]
    public async Task Waiting_writers_are_admitted_in_arrival_order_whatever_kind_of_write()
    {
        await using var store = await Store.StartAsync();
        await using var holder = store.Services.CreateAsyncScope();
        var transaction = await Store.Db(holder).Database.BeginTransactionAsync();

        var writers = new List<Task>();
        for (var n = 1; n <= 6; n++)
        {
            // Explicit transactions and statements outside any (ExecuteUpdate/ExecuteDelete take that path), alternating.
            writers.Add(n % 2 == 0 ? store.WriteInTransactionAsync(n) : store.WriteAloneAsync(n));
            var queued = n;
            await Eventually.TrueAsync(() => store.Gate.Waiting == queued, $"writer {queued} to queue");
        }

        await transaction.CommitAsync();
        await Task.WhenAll(writers).WaitAsync(Admitted);
        // Each writes under the gate: the rows' order is the order of admission.
        (await store.ArrivalsAsync()).Should().Equal(1, 2, 3, 4, 5, 6);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_line_and_the_next_one_still_gets_in()
    {
        await using var store = await Store.StartAsync();
        await using var holder = store.Services.CreateAsyncScope();
        var transaction = await Store.Db(holder).Database.BeginTransactionAsync();
        using var cancel = new CancellationTokenSource();
        var cancelled = store.WriteInTransactionAsync(1, cancel.Token);
        await Eventually.TrueAsync(() => store.Gate.Waiting == 1, "the first waiter to queue");
        var next = store.WriteInTransactionAsync(2);
        await Eventually.TrueAsync(() => store.Gate.Waiting == 2, "the second waiter to queue");

        await cancel.CancelAsync();
        await cancelled.Invoking(t => t.WaitAsync(Admitted)).Should().ThrowAsync<OperationCanceledException>();
        store.Gate.Waiting.Should().Be(1);
        await transaction.CommitAsync();
        await next.WaitAsync(Admitted);
        (await store.ArrivalsAsync()).Should().Equal(2);
    }

    [Fact]
    public async Task A_wait_past_the_busy_timeout_fails_as_a_busy_store_does()
    {
        var gate = new SqliteWriteGate(TimeSpan.FromMilliseconds(50));
        using var held = await gate.EnterAsync(CancellationToken.None);
        var wait = async () => await gate.EnterAsync(CancellationToken.None);

        var busy = (await wait.Should().ThrowAsync<SqliteException>()).Which;
        busy.SqliteErrorCode.Should().Be(5, "SQLITE_BUSY, as SQLite's own busy timeout");
        new SqliteFailures().IsUnavailable(busy).Should().BeTrue("callers answer 503 and retry");
        gate.Waiting.Should().Be(0, "the waiter left the line");
        held.Dispose();
        gate.IsHeld.Should().BeFalse();
    }

    /// <summary>The SQLite store as the service registers it, on its own temporary database, with two tables of the test's own.</summary>
    private sealed class Store : IAsyncDisposable
    {
        private Store(ServiceProvider services)
        {
            Services = services;
            Gate = services.GetRequiredService<SqliteDatabase>().WriteGating.Gate;
        }

        public ServiceProvider Services { get; }

        public SqliteWriteGate Gate { get; }

        public static async Task<Store> StartAsync()
        {
            var services = new ServiceCollection();
            services.AddLogging();
            new SqliteStore().AddServices(services, new ConfigurationBuilder().Build());
            var store = new Store(services.BuildServiceProvider());
            await using var scope = store.Services.CreateAsyncScope();
            await Db(scope).Database.ExecuteSqlRawAsync("""
                CREATE TABLE arrival (seq INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER NOT NULL);
                CREATE TABLE parent (id INTEGER PRIMARY KEY);
                CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
                """);
            return store;
        }

        public static KubeAgentsDbContext Db(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>();

        /// <summary>Begins a transaction (waiting for the gate), writes <paramref name="n"/> and commits.</summary>
        public Task WriteInTransactionAsync(int n, CancellationToken cancellationToken = default) => Task.Run(async () =>
        {
            await using var scope = Services.CreateAsyncScope();
            var db = Db(scope);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Database.ExecuteSqlAsync($"INSERT INTO arrival (n) VALUES ({n})", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }, CancellationToken.None);

        /// <summary>Writes <paramref name="n"/> in one statement outside a transaction (waiting for the gate).</summary>
        public Task WriteAloneAsync(int n) => Task.Run(async () =>
        {
            await using var scope = Services.CreateAsyncScope();
            await Db(scope).Database.ExecuteSqlAsync($"INSERT INTO arrival (n) VALUES ({n})");
        });

        /// <summary>The values written, in the order they were written.</summary>
        public async Task<List<int>> ArrivalsAsync()
        {
            await using var scope = Services.CreateAsyncScope();
            return await Db(scope).Database.SqlQueryRaw<int>("SELECT n AS \"Value\" FROM arrival ORDER BY seq").ToListAsync();
        }

        public async ValueTask DisposeAsync() => await Services.DisposeAsync();
    }
}
