using System.Net;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>
/// CORS as the original answered: listed origins get credentials and Vary: Origin, preflights may be
/// cached 300 s, * gets no credentials. CORS does not touch the store: run on the embedded one.
/// </summary>
public class CorsTests
{
    private const string Origin = "https://ui.example.com";

    [Fact]
    public async Task A_listed_origin_may_send_credentials_and_the_answer_varies_by_origin()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite, new Dictionary<string, string?> { ["CORS_ALLOWED_ORIGINS"] = $"{Origin},http://localhost:3000" });
        using var http = api.CreateClient();

        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/agents");
        get.Headers.Add("Origin", Origin);
        using var response = await http.SendAsync(get);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal(Origin);
        response.Headers.GetValues("Access-Control-Allow-Credentials").Should().Equal("true");
        response.Headers.Vary.Should().Contain("Origin");

        using var preflight = await PreflightAsync(http, Origin);
        preflight.StatusCode.Should().Be(HttpStatusCode.NoContent);
        preflight.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal(Origin);
        preflight.Headers.GetValues("Access-Control-Allow-Credentials").Should().Equal("true");
        preflight.Headers.GetValues("Access-Control-Max-Age").Should().Equal("300");
        string.Join(',', preflight.Headers.GetValues("Access-Control-Allow-Headers")).Should().ContainEquivalentOf("authorization");
    }

    [Fact]
    public async Task A_single_listed_origin_still_varies_by_origin_and_other_origins_get_no_grant()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite, new Dictionary<string, string?> { ["CORS_ALLOWED_ORIGINS"] = Origin });
        using var http = api.CreateClient();

        foreach (var origin in new[] { Origin, "https://evil.example.com" })
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, "/api/agents");
            get.Headers.Add("Origin", origin);
            using var response = await http.SendAsync(get);

            response.StatusCode.Should().Be(HttpStatusCode.OK);
            response.Headers.Vary.Should().Contain("Origin", "the answer depends on the origin, whichever it is");
            if (origin == Origin)
            {
                response.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal(Origin);
                response.Headers.GetValues("Access-Control-Allow-Credentials").Should().Equal("true");
            }
            else
            {
                response.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
            }
        }
    }

    [Fact]
    public async Task Any_origin_gets_no_credentials()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite);
        using var http = api.CreateClient();

        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/agents");
        get.Headers.Add("Origin", Origin);
        using var response = await http.SendAsync(get);
        using var preflight = await PreflightAsync(http, Origin);

        response.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal("*");
        response.Headers.Contains("Access-Control-Allow-Credentials").Should().BeFalse();
        preflight.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal("*");
        preflight.Headers.GetValues("Access-Control-Max-Age").Should().Equal("300");
        preflight.Headers.Contains("Access-Control-Allow-Credentials").Should().BeFalse();
    }

    [Fact]
    public async Task In_keys_mode_a_preflight_needs_no_key_and_a_refusal_is_readable_by_the_page()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite, new Dictionary<string, string?>
        {
            ["CORS_ALLOWED_ORIGINS"] = Origin,
            ["AUTH_MODE"] = "keys",
        });
        using var http = api.CreateClient();

        using var preflight = await PreflightAsync(http, Origin);
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/agents");
        get.Headers.Add("Origin", Origin);
        using var refused = await http.SendAsync(get);

        preflight.StatusCode.Should().Be(HttpStatusCode.NoContent);
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refused.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal(Origin);
        refused.Headers.GetValues("Access-Control-Allow-Credentials").Should().Equal("true");
    }

    private static async Task<HttpResponseMessage> PreflightAsync(HttpClient http, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/webhook/status");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return await http.SendAsync(request);
    }
}
