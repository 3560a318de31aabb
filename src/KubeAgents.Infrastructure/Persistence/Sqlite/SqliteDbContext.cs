using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The embedded store: SQLite in this process, on a temporary file or on <c>DB_FILE</c>. Instants are
/// stored as UTC ticks (SQLite cannot order or compare <see cref="DateTimeOffset"/>), so ordering,
/// keyset cursors and expiry run in SQL. Its migrations are in <c>Persistence/Sqlite/Migrations</c>.
/// </summary>
public sealed class SqliteDbContext(DbContextOptions<SqliteDbContext> options) : KubeAgentsDbContext(options)
{
    internal override string LengthFunction => "length";

    /// <summary>
    /// SQLite has one writer at a time: the write transaction (<c>BEGIN IMMEDIATE</c>) already holds
    /// the whole database, so the agents are simply read.
    /// </summary>
    internal override Task<List<Agent>> LockAgentsAsync(string[] sortedAgentIds, CancellationToken cancellationToken) =>
        Agents.Where(a => sortedAgentIds.Contains(a.AgentId)).ToListAsync(cancellationToken);

    /// <summary>Read, then marked by id: exact, because the transaction (<c>BEGIN IMMEDIATE</c>) holds the database meanwhile.</summary>
    internal override async Task<List<ExpiredSession>> MarkExpiredSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = await Sessions
            .Where(s => !s.Expired)
            .Where(Session.ExpiredAsOf(now))
            .OrderBy(s => s.ExpiresAt).ThenBy(s => s.Id)
            .Select(s => new { s.Id, s.AgentId, s.Topic, s.ExpiresAt, s.CurrentStatus, s.CurrentStatusAt, s.LastUpdated })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (due.Count == 0)
        {
            return [];
        }

        var ids = due.Select(s => s.Id).ToArray();
        await Sessions
            .Where(s => ids.Contains(s.Id))
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.Expired, true).SetProperty(s => s.ExpiredAt, s => s.ExpiresAt), cancellationToken)
            .ConfigureAwait(false);
        return [.. due.Select(s => new ExpiredSession(s.AgentId, s.Topic, s.ExpiresAt, s.Id, s.CurrentStatus, s.CurrentStatusAt, s.LastUpdated))];
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
    }

    /// <summary>An instant as its UTC ticks: sortable, comparable, exact to 100 ns; read back in UTC.</summary>
    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        value => value.UtcTicks,
        ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
}
