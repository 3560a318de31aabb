using System.Net;
using System.Text;
using System.Text.Json;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>
/// Every endpoint × {no key, unknown key, revoked key, a key without the endpoint's scope, a key with
/// only that scope} with <c>AUTH_MODE=keys</c>, and every endpoint without a key in open mode, on both stores.
/// Every exchange but /metrics is checked against the OpenAPI document, 401/403 included.
/// </summary>
[Collection(KeysModeCollection.Name)]
public class ApiKeyMatrixTests(KeysModeFixture keysMode, ApiFixture openMode)
{
    public enum Credential
    {
        None,
        Unknown,
        Revoked,
        WithoutScope,
        WithScope,
    }

    /// <summary>Method, path, the scope it needs, a JSON body.</summary>
    public static readonly (string Method, string Path, string Scope, string? Body)[] Endpoints =
    [
        ("POST", "/webhook/status", ApiScopeNames.Report,
            $$"""{"agent_id":"{{KeysModeFixture.AgentId}}","session_topic":"matrix","status":"running","timestamp":"2026-11-27T10:00:00Z"}"""),
        ("GET", "/api/agents", ApiScopeNames.Read, null),
        ("GET", WireClient.Path("api", "agents", KeysModeFixture.AgentId), ApiScopeNames.Read, null),
        ("GET", WireClient.Path("api", "agents", KeysModeFixture.AgentId, "sessions"), ApiScopeNames.Read, null),
        ("GET", WireClient.Path("api", "agents", KeysModeFixture.AgentId, "sessions", KeysModeFixture.Topic), ApiScopeNames.Read, null),
        ("GET", WireClient.Path("api", "agents", KeysModeFixture.AgentId, "history"), ApiScopeNames.Read, null),
        ("GET", WireClient.Path("api", "agents", KeysModeFixture.AgentId, "status"), ApiScopeNames.Read, null),
        ("GET", "/metrics", ApiScopeNames.Read, null),
        ("GET", "/api/notifications", ApiScopeNames.Admin, null),
        ("GET", "/api/notification-routes", ApiScopeNames.Admin, null),
        ("GET", "/api/keys", ApiScopeNames.Admin, null),
        ("POST", "/api/keys", ApiScopeNames.Admin, """{"name":"matrix-made","scopes":["read"]}"""),
        ("DELETE", "/api/keys/{victim}", ApiScopeNames.Admin, null),
    ];

    public static TheoryData<StoreKind, int, Credential> KeysModeCases()
    {
        var data = new TheoryData<StoreKind, int, Credential>();
        foreach (var store in new[] { StoreKind.Sqlite, StoreKind.Postgres })
        {
            for (var i = 0; i < Endpoints.Length; i++)
            {
                foreach (var credential in Enum.GetValues<Credential>())
                {
                    data.Add(store, i, credential);
                }
            }
        }

        return data;
    }

    public static TheoryData<StoreKind, int> OpenModeCases()
    {
        var data = new TheoryData<StoreKind, int>();
        foreach (var store in new[] { StoreKind.Sqlite, StoreKind.Postgres })
        {
            for (var i = 0; i < Endpoints.Length; i++)
            {
                data.Add(store, i);
            }
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(KeysModeCases))]
    public async Task In_keys_mode_only_a_valid_key_with_the_scope_passes(StoreKind store, int endpoint, Credential credential)
    {
        var service = await keysMode.GetAsync(store);
        var (method, path, scope, body) = Endpoints[endpoint];
        var key = credential switch
        {
            Credential.None => null,
            Credential.Unknown => ApiKeySecret.Generate(),
            Credential.Revoked => service.Keys["revoked"],
            Credential.WithoutScope => service.Keys[$"all-but-{scope}"],
            _ => service.Keys[$"only-{scope}"],
        };
        using var http = service.CreateClient(key);

        using var response = await SendAsync(http, method, path.Replace("{victim}", KeysService.Prefix(service.Keys["victim"]), StringComparison.Ordinal), body);

        var text = await response.Content.ReadAsStringAsync();
        switch (credential)
        {
            case Credential.WithScope:
                ((int)response.StatusCode).Should().BeInRange(200, 201, text);
                break;
            case Credential.WithoutScope:
                response.StatusCode.Should().Be(HttpStatusCode.Forbidden, text);
                Error(text).Should().Be(("forbidden", $"this key lacks the '{scope}' scope"));
                break;
            case Credential.None:
                response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, text);
                response.Headers.WwwAuthenticate.Should().ContainSingle().Which.ToString().Should().Be("Bearer", "no key was sent");
                Error(text).Should().Be(("unauthorized", "an API key is required: send Authorization: Bearer <key> or X-API-Key: <key>"));
                break;
            default:
                response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, text);
                response.Headers.WwwAuthenticate.Should().ContainSingle().Which.ToString().Should().Be("Bearer error=\"invalid_token\"", "a key was sent and refused");
                Error(text).Should().Be(("unauthorized", "the API key is not valid (unknown, malformed or revoked)"));
                break;
        }
    }

    [SkippableTheory]
    [MemberData(nameof(OpenModeCases))]
    public async Task In_open_mode_every_endpoint_but_administration_answers_without_a_key(StoreKind store, int endpoint)
    {
        var api = await openMode.GetAsync(store);
        using var http = api.CreateClient();
        await api.CreateWireClient().ReportAsync(KeysModeFixture.AgentId, KeysModeFixture.Topic, "running", api.Clock.GetUtcNow());
        var (method, path, scope, body) = Endpoints[endpoint];

        using var response = await SendAsync(http, method, path.Replace("{victim}", "abcdefgh", StringComparison.Ordinal), body);

        var text = await response.Content.ReadAsStringAsync();
        if (scope == ApiScopeNames.Admin)
        {
            response.StatusCode.Should().Be(HttpStatusCode.Forbidden, "open mode administers nothing: keys and routes need a key");
            Error(text).Error.Should().Be("forbidden");
            Error(text).Message.Should().Contain("AUTH_MODE=keys");
        }
        else
        {
            ((int)response.StatusCode).Should().BeInRange(200, 201, text);
        }
    }

    [SkippableTheory]
    [BothStores]
    public async Task The_probes_need_no_key_in_keys_mode(StoreKind store)
    {
        var service = await keysMode.GetAsync(store);
        using var http = service.CreateClient(null);

        (await http.GetAsync("/health")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await http.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [SkippableTheory]
    [BothStores]
    public async Task The_OpenAPI_document_needs_a_key_of_any_scope_in_keys_mode(StoreKind store)
    {
        var service = await keysMode.GetAsync(store);
        using var anonymous = service.CreateClient(null);
        using var reporter = service.CreateClient(service.Keys["only-report"]);

        (await anonymous.GetAsync("/swagger/v1/swagger.json")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await reporter.GetAsync("/swagger/v1/swagger.json")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_key_works_as_X_API_Key_and_as_the_cookie_too(StoreKind store)
    {
        var service = await keysMode.GetAsync(store);
        using var http = service.CreateClient(null);
        var key = service.Keys["only-read"];

        using var header = new HttpRequestMessage(HttpMethod.Get, "/api/agents");
        header.Headers.Add("X-API-Key", key);
        using var cookie = new HttpRequestMessage(HttpMethod.Get, "/api/agents");
        cookie.Headers.Add("Cookie", $"kubeagents_key={key}");

        (await http.SendAsync(header)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await http.SendAsync(cookie)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    internal static async Task<HttpResponseMessage> SendAsync(HttpClient http, string method, string path, string? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await http.SendAsync(request);
    }

    internal static (string Error, string Message) Error(string body)
    {
        var json = JsonDocument.Parse(body).RootElement;
        return (json.GetProperty("error").GetString()!, json.GetProperty("message").GetString()!);
    }
}
