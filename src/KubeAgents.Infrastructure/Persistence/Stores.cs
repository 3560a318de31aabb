using KubeAgents.Application.Common.Settings;
using KubeAgents.Infrastructure.Persistence.Postgres;
using KubeAgents.Infrastructure.Persistence.Sqlite;
using Microsoft.Extensions.Configuration;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>The one place a store is chosen, for the service and the <c>keys</c> command alike.</summary>
public static class Stores
{
    /// <summary>
    /// Every store, one line each. The one whose settings are present is used; with none, the
    /// <see cref="StoreDefinition.IsDefault"/> one (the embedded store, in memory).
    /// </summary>
    public static IReadOnlyList<StoreDefinition> All { get; } = [new PostgresStore(), new SqliteStore()];

    /// <param name="stores">The candidates; <see cref="All"/> when null (tests pass a store of their own).</param>
    /// <exception cref="InvalidConfigurationException">Two stores' settings are present, or a store's setting is invalid.</exception>
    public static StoreDefinition Select(IConfiguration configuration, IReadOnlyList<StoreDefinition>? stores = null)
    {
        var candidates = stores ?? All;
        // Every store reads its settings, so an invalid one is refused whichever store wins.
        var selected = candidates.Where(store => store.IsSelected(configuration)).ToList();
        return selected switch
        {
            [var only] => only,
            [] => candidates.Single(store => store.IsDefault),
            [var first, var second, ..] => throw new InvalidConfigurationException(
                $"{first.SelectedBy} and {second.SelectedBy} are both set: {first.SelectedBy} selects {first.Name}, {second.SelectedBy} selects {second.Name}; set one."),
        };
    }

    /// <summary>How to choose a store that outlives the process, for messages ("DB_NAME or ... (PostgreSQL) or DB_FILE (SQLite)").</summary>
    public static string DurableChoices() => string.Join(" or ", All.Select(s => $"{s.SelectedBy} ({s.Name})"));
}
