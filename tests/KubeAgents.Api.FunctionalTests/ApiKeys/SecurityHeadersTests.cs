using System.Net;
using System.Net.Http.Json;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>
/// Hardening headers as a browser meets them: nosniff everywhere, a strict CSP (no inline script),
/// no framing and a same-origin referrer on HTML pages, no-store where a secret is answered, HEAD
/// wherever GET is allowed.
/// </summary>
public class SecurityHeadersTests
{
    private const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    [SkippableTheory]
    [BothStores]
    public async Task Every_answer_is_nosniff_and_every_HTML_page_has_the_strict_policy(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        using var http = api.CreateUncheckedClient();
        await api.CreateWireClient().ReportAsync("headers-agent", "t", "running", api.Clock.GetUtcNow());

        foreach (var path in new[] { "/health", "/api/agents", "/api/agents/nobody", "/api/keys", "/swagger/v1/swagger.json", "/no/such/path" })
        {
            using var answer = await http.GetAsync(path);
            answer.Headers.GetValues("X-Content-Type-Options").Should().Equal(["nosniff"], path);
            answer.Headers.Contains("Content-Security-Policy").Should().BeFalse($"{path} is not a page");
        }

        foreach (var page in new[] { "/", "/agents/headers-agent", "/agents/nobody" })
        {
            using var answer = await http.GetAsync(page);
            answer.Content.Headers.ContentType!.MediaType.Should().Be("text/html", page);
            answer.Headers.GetValues("Content-Security-Policy").Should().Equal([PagePolicy], page);
            answer.Headers.GetValues("X-Frame-Options").Should().Equal(["DENY"], page);
            answer.Headers.GetValues("Referrer-Policy").Should().Equal(["same-origin"], page);
            answer.Headers.GetValues("X-Content-Type-Options").Should().Equal(["nosniff"], page);
        }

        using var swagger = await http.GetAsync("/swagger/index.html");
        var swaggerPolicy = swagger.Headers.GetValues("Content-Security-Policy").Single();
        swaggerPolicy.Should().Contain("script-src 'self' 'unsafe-inline'", "Swagger UI is NSwag's page with inline scripts: its own policy")
            .And.Contain("frame-ancestors 'none'");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Answers_carrying_a_secret_are_no_store_and_the_login_page_is_a_strict_page(StoreKind store)
    {
        var admin = ApiKeySecret.Generate();
        await using var api = await KubeAgentsApi.StartAsync(store, new Dictionary<string, string?> { ["AUTH_MODE"] = "keys", ["BOOTSTRAP_ADMIN_KEY"] = admin });
        using var http = api.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", admin);

        using var created = await http.PostAsJsonAsync("/api/keys", new { name = "headers", scopes = new[] { "read" } });
        using var login = await api.CreateUncheckedClient().GetAsync("/login");
        using var loggedIn = await api.CreateUncheckedClient().PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = admin }));

        created.StatusCode.Should().Be(HttpStatusCode.Created);
        created.Headers.CacheControl!.NoStore.Should().BeTrue("the 201 carries the new key");
        login.Headers.CacheControl!.NoStore.Should().BeTrue();
        loggedIn.Headers.CacheControl!.NoStore.Should().BeTrue("the login answer sets the key's cookie");
        login.Headers.GetValues("Content-Security-Policy").Should().Equal([PagePolicy]);
        login.Headers.GetValues("X-Frame-Options").Should().Equal(["DENY"]);
        login.Headers.GetValues("Referrer-Policy").Should().Equal(["same-origin"]);
    }

    [SkippableTheory]
    [BothStores]
    public async Task HEAD_answers_like_GET_without_a_body_wherever_GET_is_allowed(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        using var http = api.CreateUncheckedClient();
        await api.CreateWireClient().ReportAsync("head-agent", "t", "running", api.Clock.GetUtcNow());

        foreach (var path in new[] { "/", "/api/agents", "/api/agents/head-agent", "/api/agents/nobody", "/health", "/health/ready" })
        {
            using var get = await http.GetAsync(path);
            using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

            head.StatusCode.Should().Be(get.StatusCode, path);
            head.Content.Headers.ContentType?.MediaType.Should().Be(get.Content.Headers.ContentType?.MediaType, path);
            (await head.Content.ReadAsByteArrayAsync()).Should().BeEmpty(path);
        }

        using var postOnly = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/webhook/status"));
        postOnly.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed, "HEAD only where GET is allowed");
    }
}
