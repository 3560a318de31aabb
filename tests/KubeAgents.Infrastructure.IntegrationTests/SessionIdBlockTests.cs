using System.Collections.Concurrent;
using System.Data.Common;
using KubeAgents.Infrastructure.Persistence.Postgres;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Infrastructure.IntegrationTests;

/// <summary>
/// New sessions' ids come from a hi/lo sequence on PostgreSQL, a block of
/// <see cref="PostgresDbContext.HiLoBlockSize"/> per round trip. Fetched synchronously, a block held a
/// pool thread on the socket and every other batch on the generator's lock: with 2 cores the pool
/// starved, and the whole service stood still for 1-2 s (docs/benchmarks.md).
/// </summary>
public class SessionIdBlockTests
{
    [SkippableFact]
    public async Task The_write_pipeline_runs_no_database_command_synchronously_new_id_blocks_included()
    {
        var commands = new CommandModes();
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres, null, s => s.AddSingleton<IInterceptor>(commands));
        var client = api.CreateWireClient();
        commands.Clear();

        for (var i = 0; i < PostgresDbContext.HiLoBlockSize + 5; i++)
        {
            await client.ReportAsync("agent", $"task-{i}", "running", KubeAgentsApi.Epoch.AddSeconds(i));
        }

        commands.Async.Should().Contain(c => c.Contains(PostgresDbContext.HiLoSequence, StringComparison.Ordinal), "more sessions than a block took a new block");
        commands.Sync.Should().BeEmpty("a synchronous command blocks a pool thread for a round trip");
    }

    /// <summary>The text of every command EF ran, by how it was run.</summary>
    private sealed class CommandModes : DbCommandInterceptor
    {
        private readonly ConcurrentQueue<string> _sync = new();
        private readonly ConcurrentQueue<string> _async = new();

        public List<string> Sync => [.. _sync];

        public List<string> Async => [.. _async];

        public void Clear()
        {
            _sync.Clear();
            _async.Clear();
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            _sync.Enqueue(command.CommandText);
            return result;
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            _sync.Enqueue(command.CommandText);
            return result;
        }

        public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
        {
            _sync.Enqueue(command.CommandText);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            _async.Enqueue(command.CommandText);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            _async.Enqueue(command.CommandText);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            _async.Enqueue(command.CommandText);
            return ValueTask.FromResult(result);
        }
    }
}
