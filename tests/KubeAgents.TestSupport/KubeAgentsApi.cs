using KubeAgents.Infrastructure.Persistence;
using KubeAgents.TestSupport.Contract;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace KubeAgents.TestSupport;

/// <summary>
/// The service in-process on one store, served by a real Kestrel listener on a free loopback port
/// (the client speaks real HTTP, with real percent-encoding), with a clock the test moves.
/// </summary>
public sealed class KubeAgentsApi : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Epoch = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _configureServices;
    private bool _disposed;

    private KubeAgentsApi(StoreKind store, IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices)
    {
        Store = store;
        _settings = settings;
        _configureServices = configureServices;
    }

    public StoreKind Store { get; }

    public FakeTimeProvider Clock { get; } = new(Epoch);

    /// <summary>The key (every scope) that this service's clients send, for a service made by <see cref="StartWithKeyAsync"/>; else null.</summary>
    public string? Key { get; private set; }

    /// <summary>
    /// A service with <c>AUTH_MODE=keys</c> whose clients send a key holding every scope: for tests that
    /// need an admin endpoint (open mode administers nothing) as well as reads and reports.
    /// </summary>
    public static async Task<KubeAgentsApi> StartWithKeyAsync(
        StoreKind store,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var bootstrap = KubeAgents.Domain.ApiKeys.ApiKeySecret.Generate();
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["AUTH_MODE"] = "keys",
            ["BOOTSTRAP_ADMIN_KEY"] = bootstrap,
        };
        var api = await StartAsync(store, all, configureServices);
        using var admin = api.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", bootstrap);
        using var created = await admin.PostAsync("/api/keys", new StringContent(
            """{"name":"tests","scopes":["report","read","admin"]}""", System.Text.Encoding.UTF8, "application/json"));
        created.EnsureSuccessStatusCode();
        api.Key = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString();
        return api;
    }

    /// <summary>
    /// A service on a store of its own: a new PostgreSQL database each time, unless the settings name
    /// one (<c>ConnectionStrings:KubeAgents</c> or <c>DB_NAME</c>).
    /// </summary>
    public static async Task<KubeAgentsApi> StartAsync(
        StoreKind store,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        if (store == StoreKind.Postgres && !all.ContainsKey("ConnectionStrings:KubeAgents") && !all.ContainsKey("DB_NAME"))
        {
            var server = await PostgresServer.GetOrSkipAsync();
            all["ConnectionStrings:KubeAgents"] = await server.CreateDatabaseAsync("kubeagents_test", await MigratedTemplate.Value);
        }

        var api = new KubeAgentsApi(store, all, configureServices);
        api.UseKestrel(0);
        api.StartServer();
        return api;
    }

    /// <summary>
    /// A database the service migrated once, which each PostgreSQL test's database copies
    /// (<c>CREATE DATABASE … TEMPLATE</c>): the service then finds its schema up to date instead of
    /// running every migration again. Migrations themselves are tested on empty databases (MigrationTests).
    /// </summary>
    private static readonly Lazy<Task<string>> MigratedTemplate = new(MigrateTemplateAsync);

    private static async Task<string> MigrateTemplateAsync()
    {
        var server = await PostgresServer.GetOrSkipAsync();
        var connectionString = await server.CreateDatabaseAsync("kubeagents_template");
        var migrating = await StartAsync(StoreKind.Postgres, new Dictionary<string, string?> { ["ConnectionStrings:KubeAgents"] = connectionString });
        await migrating.DisposeAsync();
        return new NpgsqlConnectionStringBuilder(connectionString).Database!;
    }

    /// <summary>
    /// A client of the service whose every exchange is checked against the committed OpenAPI document
    /// (<see cref="ContractValidatingHandler"/>): a response the document does not describe fails the call.
    /// </summary>
    public new HttpClient CreateClient() => WithKey(CreateDefaultClient(new ContractValidatingHandler()));

    /// <summary>A client that checks nothing: only for what the document cannot describe (a test of the checker itself).</summary>
    public HttpClient CreateUncheckedClient() => WithKey(base.CreateClient());

    private HttpClient WithKey(HttpClient client)
    {
        if (Key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", Key);
        }

        return client;
    }

    /// <summary>A client of the service's wire format over <see cref="CreateClient"/>, so its exchanges are checked too.</summary>
    public WireClient CreateWireClient() => new(CreateClient());

    /// <summary>A scope over the service's own DbContext, to check what was persisted.</summary>
    public async Task<T> InDatabaseAsync<T>(Func<KubeAgentsDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>());
    }

    public T InDatabase<T>(Func<KubeAgentsDbContext, T> query)
    {
        using var scope = Services.CreateScope();
        return query(scope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>());
    }

    /// <summary>
    /// Stops the service, then closes its PostgreSQL pool's idle connections: Npgsql keeps a pool per
    /// connection string for the whole process, idle for 5 minutes, and every test has a database of
    /// its own, so test classes running in parallel would otherwise run the server out of connections.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var connectionString = Store == StoreKind.Postgres ? InDatabase(db => db.Database.GetConnectionString()) : null;
        await base.DisposeAsync();
        if (connectionString is not null)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(connection);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("urls", "http://127.0.0.1:0");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            _configureServices?.Invoke(services);
        });
    }
}
