using System.Net.Http.Json;
using System.Text.RegularExpressions;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>
/// HEAD wherever GET is allowed, without side effects: for every GET the application answers (each
/// endpoint of its endpoint data source, and what middleware serves: the OpenAPI document, Swagger UI,
/// the dashboard's assets, an unknown path), HEAD gets the GET's status and headers, no body, and the
/// connection ends at once (a HEAD on the event stream opens no stream). In open mode, and in keys mode
/// with a key header, with the dashboard's cookie and with no credentials.
/// </summary>
public partial class HeadTests
{
    private const string AgentId = "head-agent";
    private const string Topic = "head topic";

    /// <summary>GETs served by middleware, not endpoints.</summary>
    private static readonly string[] MiddlewarePaths =
        ["/swagger/v1/swagger.json", "/swagger/v1/try-it-out.json", "/swagger/index.html", "/assets/dashboard.css", "/assets/dashboard.js", "/no/such/path"];

    /// <summary>Headers two answers to the same request may differ in: the clock and the framing (HEAD has no body to frame).</summary>
    private static readonly HashSet<string> Volatile = new(["Date", "Last-Modified", "Transfer-Encoding", "Content-Length"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Headers both answers carry, with values that differ by nature (the dashboard's server time): compared by name only.</summary>
    private static readonly HashSet<string> Measured = new(["Server-Timing"], StringComparer.OrdinalIgnoreCase);

    [SkippableTheory]
    [BothStores]
    public async Task HEAD_answers_every_GET_with_its_status_and_headers_and_no_body_in_open_mode(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        await api.CreateWireClient().ReportAsync(AgentId, Topic, "running", api.Clock.GetUtcNow());

        var failures = await CompareAsync(api, credentials: "");

        failures.Should().BeEmpty(string.Join(Environment.NewLine, failures));
    }

    [SkippableTheory]
    [BothStores]
    public async Task HEAD_answers_every_GET_with_its_status_and_headers_and_no_body_in_keys_mode(StoreKind store)
    {
        var admin = ApiKeySecret.Generate();
        await using var api = await KubeAgentsApi.StartAsync(store, new Dictionary<string, string?> { ["AUTH_MODE"] = "keys", ["BOOTSTRAP_ADMIN_KEY"] = admin });
        using var http = api.CreateUncheckedClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", admin);
        using var created = await http.PostAsJsonAsync("/api/keys", new { name = "head", scopes = new[] { "admin", "read", "report" } });
        var key = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).Str("key");
        using var reporter = api.CreateUncheckedClient();
        reporter.DefaultRequestHeaders.Authorization = new("Bearer", key);
        await new WireClient(reporter).ReportAsync(AgentId, Topic, "running", api.Clock.GetUtcNow());

        var failures = new List<string>();
        foreach (var credentials in new[] { $"Authorization: Bearer {key}\r\n", $"Cookie: kubeagents_key={key}\r\n", "" })
        {
            failures.AddRange(await CompareAsync(api, credentials));
        }

        failures.Should().BeEmpty(string.Join(Environment.NewLine, failures));
    }

    private static async Task<List<string>> CompareAsync(KubeAgentsApi api, string credentials)
    {
        var server = api.CreateWireClient().Http.BaseAddress!;
        var failures = new List<string>();
        foreach (var path in GetPaths(api))
        {
            var get = await RawHttp.ExchangeAsync(server, Request("GET", path, credentials), untilClosed: false);
            var label = $"{path} [{credentials.Split(':')[0]}]";
            RawAnswer head;
            try
            {
                head = await RawHttp.ExchangeAsync(server, Request("HEAD", path, credentials), untilClosed: true);
            }
            catch (OperationCanceledException)
            {
                failures.Add($"{label}: HEAD did not end within 30 s (a stream was opened)");
                continue;
            }

            if (head.Status != get.Status)
            {
                failures.Add($"{label}: HEAD {head.Status}, GET {get.Status}");
            }

            if (head.Body.Length > 0)
            {
                failures.Add($"{label}: HEAD sent a body of {head.Body.Length} bytes");
            }

            var getHeaders = Comparable(get);
            var headHeaders = Comparable(head);
            if (!getHeaders.SequenceEqual(headHeaders))
            {
                failures.Add($"{label}: GET headers [{string.Join("; ", getHeaders)}] but HEAD [{string.Join("; ", headHeaders)}]");
            }
        }

        return failures;
    }

    /// <summary>Every GET route of the application, its parameters filled with the seeded agent and topic, then the middleware's.</summary>
    private static List<string> GetPaths(KubeAgentsApi api)
    {
        var paths = new List<string>();
        foreach (var endpoint in api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            if (methods is not null && !methods.Contains(HttpMethods.Get, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var path = "/" + Parameter().Replace(endpoint.RoutePattern.RawText!.TrimStart('/'), match => match.Groups[1].Value switch
            {
                "agent_id" => AgentId,
                "session_topic" => Uri.EscapeDataString(Topic),
                var other => throw new InvalidOperationException($"no value for {{{other}}} in {endpoint.RoutePattern.RawText}"),
            });
            paths.Add(path);
        }

        // /mcp answers POST only (stateless MCP: no GET stream), so it is not listed.
        paths.Should().Contain(["/api/events", "/api/agents", "/health", "/metrics", "/"], "the data source lists every endpoint");
        return [.. paths.Distinct(), .. MiddlewarePaths];
    }

    private static string Request(string method, string path, string credentials) =>
        $"{method} {path} HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n{credentials}Connection: close\r\n\r\n";

    /// <summary>Header names and values in a stable order, without the volatile ones; a cookie by its name only.</summary>
    private static List<string> Comparable(RawAnswer answer) =>
        [.. answer.Headers
            .Where(h => !Volatile.Contains(h.Key))
            .Select(h => string.Equals(h.Key, "Set-Cookie", StringComparison.OrdinalIgnoreCase) ? $"set-cookie: {h.Value.Split('=')[0]}"
                : Measured.Contains(h.Key) ? $"{h.Key.ToLowerInvariant()}: (measured)"
                : $"{h.Key.ToLowerInvariant()}: {h.Value}")
            .Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"\{([a-z_]+)[^}]*\}")]
    private static partial Regex Parameter();
}
