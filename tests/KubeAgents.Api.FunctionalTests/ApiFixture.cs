using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// One running service per store, shared by the tests of the "api" collection (which run one after
/// another, so a test may move the clock). Tests use ids of their own, so shared data never collides.
/// </summary>
public sealed class ApiFixture : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<StoreKind, KubeAgentsApi> _apis = [];

    public async Task<KubeAgentsApi> GetAsync(StoreKind store)
    {
        await _gate.WaitAsync();
        try
        {
            if (!_apis.TryGetValue(store, out var api))
            {
                api = await KubeAgentsApi.StartAsync(store);
                _apis[store] = api;
            }

            return api;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var api in _apis.Values)
        {
            await api.DisposeAsync();
        }

        _gate.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
