using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.Infrastructure.Notifications;
using KubeAgents.Infrastructure.Sessions;
using KubeAgents.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubeAgents.Api.FunctionalTests.Notifications;

/// <summary>
/// A service in <c>AUTH_MODE=keys</c> (route endpoints need the admin scope in every mode), with one
/// key holding every scope, collected logs at every level, and helpers to manage routes over HTTP.
/// </summary>
public sealed class RoutesService : IAsyncDisposable
{
    private RoutesService(KubeAgentsApi api, LogCollector logs, HttpClient admin)
    {
        Api = api;
        Logs = logs;
        Admin = admin;
        Client = new WireClient(admin);
    }

    public KubeAgentsApi Api { get; }

    public LogCollector Logs { get; }

    /// <summary>Contract-checked, with a key holding report, read and admin.</summary>
    public HttpClient Admin { get; }

    public WireClient Client { get; }

    public static async Task<RoutesService> StartAsync(
        StoreKind store, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var logs = new LogCollector();
        var bootstrap = ApiKeySecret.Generate();
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["AUTH_MODE"] = "keys",
            ["BOOTSTRAP_ADMIN_KEY"] = bootstrap,
            ["Logging:LogLevel:Default"] = "Trace",
        };
        // Sweeps run when a test says so, not when it moves the clock.
        all.TryAdd("SESSION_SWEEP_INTERVAL_SECONDS", "86400");
        var api = await KubeAgentsApi.StartAsync(store, all, s =>
        {
            s.AddSingleton<ILoggerProvider>(logs);
            configureServices?.Invoke(s);
        });
        var http = api.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bootstrap);
        using var created = await http.PostAsJsonAsync("/api/keys", new { name = "ops", scopes = new[] { "report", "read", "admin" } });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return new RoutesService(api, logs, http);
    }

    /// <summary>Creates a route and requires a 201; returns its answer.</summary>
    public async Task<JsonElement> AddRouteAsync(string name, string channel, string url, string? secret = null, string? agentFilter = null, string? topicFilter = null, params string[] events)
    {
        var (status, body) = await AddRouteRawAsync(new Dictionary<string, object?>
        {
            ["name"] = name,
            ["channel"] = channel,
            ["url"] = url,
            ["secret"] = secret,
            ["agent_filter"] = agentFilter,
            ["topic_filter"] = topicFilter,
            ["events"] = events.Length == 0 ? null : events,
        });
        status.Should().Be(HttpStatusCode.Created, body.ToString());
        return body;
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> AddRouteRawAsync(object route)
    {
        var options = new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
        return await Client.PostRawAsync("/api/notification-routes", JsonSerializer.Serialize(route, options));
    }

    /// <summary>One sweep now, on this replica.</summary>
    public Task<int> SweepAsync() => Api.Services.GetRequiredService<SessionSweeper>().SweepOnceAsync(CancellationToken.None);

    /// <summary>One dispatch pass now, beside the service's own loop: how many notifications were due.</summary>
    public Task<int> DispatchAsync() => Api.Services.GetRequiredService<NotificationDispatcher>().DispatchOnceAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Api.DisposeAsync();
    }
}
