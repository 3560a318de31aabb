using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>
/// One service per store with <c>AUTH_MODE=keys</c>, started on a fresh database whose only key is
/// <c>BOOTSTRAP_ADMIN_KEY</c> (a deployment that is never open), then given a key per scope, a key per
/// "every scope but one", a revoked key and a seeded agent, through the admin endpoints. Logs are collected.
/// </summary>
public sealed class KeysModeFixture : IAsyncDisposable
{
    public const string AgentId = "matrix-agent";
    public const string Topic = "matrix topic/1";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<StoreKind, KeysService> _services = [];

    public async Task<KeysService> GetAsync(StoreKind store)
    {
        await _gate.WaitAsync();
        try
        {
            if (!_services.TryGetValue(store, out var service))
            {
                service = await KeysService.StartAsync(store);
                _services[store] = service;
            }

            return service;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _services.Values)
        {
            await service.Api.DisposeAsync();
        }

        _gate.Dispose();
    }
}

public sealed class KeysService
{
    private KeysService(KubeAgentsApi api, LogCollector logs, string bootstrapKey)
    {
        Api = api;
        Logs = logs;
        BootstrapKey = bootstrapKey;
    }

    public KubeAgentsApi Api { get; }

    public LogCollector Logs { get; }

    public string BootstrapKey { get; }

    /// <summary>Key texts by name: only-report, all-but-report, ..., revoked, victim.</summary>
    public Dictionary<string, string> Keys { get; } = [];

    public static async Task<KeysService> StartAsync(StoreKind store)
    {
        var logs = new LogCollector();
        var bootstrap = ApiKeySecret.Generate();
        var api = await KubeAgentsApi.StartAsync(
            store,
            new Dictionary<string, string?> { ["AUTH_MODE"] = "keys", ["BOOTSTRAP_ADMIN_KEY"] = bootstrap },
            s => s.AddSingleton<ILoggerProvider>(logs));
        var service = new KeysService(api, logs, bootstrap);
        foreach (var scope in ApiScopeNames.All)
        {
            service.Keys[$"only-{scope}"] = await service.CreateKeyAsync($"only-{scope}", scope);
            service.Keys[$"all-but-{scope}"] = await service.CreateKeyAsync($"all-but-{scope}", [.. ApiScopeNames.All.Where(s => s != scope)]);
        }

        service.Keys["revoked"] = await service.CreateKeyAsync("revoked", [.. ApiScopeNames.All]);
        service.Keys["victim"] = await service.CreateKeyAsync("victim", ApiScopeNames.Read);
        using (var http = service.CreateClient(bootstrap))
        {
            (await http.DeleteAsync($"/api/keys/{Prefix(service.Keys["revoked"])}")).EnsureSuccessStatusCode();
        }

        using (var http = service.CreateClient(service.Keys["only-report"]))
        {
            await new WireClient(http).ReportAsync(KeysModeFixture.AgentId, KeysModeFixture.Topic, "running", KubeAgentsApi.Epoch);
        }

        return service;
    }

    public static string Prefix(string key) => ApiKeySecret.TryGetPrefix(key, out var prefix) ? prefix : throw new ArgumentException("not a key", nameof(key));

    /// <summary>A contract-checked client sending <paramref name="key"/> as a bearer token (none when null).</summary>
    public HttpClient CreateClient(string? key)
    {
        var http = Api.CreateClient();
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    public async Task<string> CreateKeyAsync(string name, params string[] scopes)
    {
        using var http = CreateClient(BootstrapKey);
        using var response = await http.PostAsJsonAsync("/api/keys", new { name, scopes });
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("key").GetString()!;
    }
}

[CollectionDefinition(Name)]
public sealed class KeysModeCollection : ICollectionFixture<KeysModeFixture>, ICollectionFixture<ApiFixture>
{
    public const string Name = "keys";
}
