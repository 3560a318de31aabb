using KubeAgents.Infrastructure.Configuration;
using KubeAgents.Infrastructure.Persistence.Postgres;
using KubeAgents.Infrastructure.Persistence.Sqlite;
using Microsoft.Extensions.Configuration;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>The one place a store is chosen, for the service and the <c>keys</c> command alike.</summary>
public static class Stores
{
    /// <summary>
    /// Every store, in order of precedence: the first one the settings select is used. A new store is
    /// one line here (before the embedded store, which is the default and selects itself).
    /// </summary>
    public static IReadOnlyList<StoreDefinition> All { get; } = [new PostgresStore(), new SqliteStore()];

    /// <param name="stores">The candidates; <see cref="All"/> when null (tests pass a store of their own).</param>
    public static StoreDefinition Select(IConfiguration configuration, IReadOnlyList<StoreDefinition>? stores = null)
    {
        var candidates = stores ?? All;
        return candidates.FirstOrDefault(store => store.IsSelected(configuration))
            ?? throw new InvalidConfigurationException(
                $"no store is selected; set one of: {string.Join(", ", candidates.Select(s => $"{s.SelectedBy} ({s.Name})"))}.");
    }
}
