using System.Collections.Concurrent;
using System.Data.Common;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Infrastructure.IntegrationTests;

/// <summary>
/// A migration that builds an index over a large history runs longer than a request's 30 s command
/// timeout; on PostgreSQL its statements get what is left of <c>DB_STARTUP_TIMEOUT</c> instead.
/// </summary>
public class MigrationTimeoutTests
{
    [SkippableFact]
    public async Task Migration_statements_get_the_start_up_time_left_and_requests_keep_the_default()
    {
        var timeouts = new CommandTimeouts();
        await using var api = await KubeAgentsApi.StartAsync(
            StoreKind.Postgres,
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:KubeAgents"] = await (await PostgresServer.GetOrSkipAsync()).CreateDatabaseAsync("migration_timeout"),
                ["DB_STARTUP_TIMEOUT"] = "10m",
            },
            s => s.AddSingleton<IInterceptor>(timeouts));

        timeouts.Of("CREATE INDEX").Should().NotBeEmpty("a new database is migrated at start-up");
        timeouts.Of("CREATE INDEX").Should().OnlyContain(t => t > 500, "10 minutes, less what start-up has used so far");

        var started = timeouts.Count;
        await api.CreateWireClient().ReportAsync("agent", "t", "running", KubeAgentsApi.Epoch);
        (await api.InDatabaseAsync(db => db.Agents.AsNoTracking().CountAsync())).Should().Be(1);
        var after = timeouts.After(started);
        after.Select(c => c.Text).Should().Contain(t => t.Contains("FOR UPDATE", StringComparison.Ordinal), "the report locked its agent");
        after.Should().OnlyContain(c => c.Timeout == 30, "contexts back from the pool have a request's default again");
    }

    /// <summary>The command timeout of every command EF runs, by its text.</summary>
    private sealed class CommandTimeouts : DbCommandInterceptor
    {
        private readonly ConcurrentQueue<(string Text, int Timeout)> _seen = new();

        public int Count => _seen.Count;

        public List<(string Text, int Timeout)> After(int count) => [.. _seen.Skip(count)];

        public List<int> Of(string text) => [.. _seen.Where(c => c.Text.Contains(text, StringComparison.Ordinal)).Select(c => c.Timeout)];

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            _seen.Enqueue((command.CommandText, command.CommandTimeout));
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            _seen.Enqueue((command.CommandText, command.CommandTimeout));
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
