using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>
/// A store that outlives one service, for what happens across restarts: a <c>DB_FILE</c> in a
/// temporary directory, or a PostgreSQL database of its own. <see cref="Settings"/> are for an
/// in-process service, <see cref="Environment"/> for a process or the keys command.
/// </summary>
public sealed class PersistentStore : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kubeagents-auth-").FullName;

    private PersistentStore(StoreKind store) => Store = store;

    public StoreKind Store { get; }

    public Dictionary<string, string?> Settings { get; } = [];

    public Dictionary<string, string?> Environment { get; } = [];

    public static async Task<PersistentStore> CreateAsync(StoreKind store)
    {
        var created = new PersistentStore(store);
        if (store == StoreKind.Postgres)
        {
            var server = await PostgresServer.GetOrSkipAsync();
            var connectionString = await server.CreateDatabaseAsync("auth_restart");
            created.Settings["ConnectionStrings:KubeAgents"] = connectionString;
            created.Environment["ConnectionStrings__KubeAgents"] = connectionString;
        }
        else
        {
            var file = Path.Combine(created._directory, "kubeagents.db");
            created.Settings["DB_FILE"] = file;
            created.Environment["DB_FILE"] = file;
        }

        return created;
    }

    /// <summary>The in-process settings plus <paramref name="more"/>.</summary>
    public Dictionary<string, string?> With(params (string Key, string? Value)[] more)
    {
        var all = new Dictionary<string, string?>(Settings);
        foreach (var (key, value) in more)
        {
            all[key] = value;
        }

        return all;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
