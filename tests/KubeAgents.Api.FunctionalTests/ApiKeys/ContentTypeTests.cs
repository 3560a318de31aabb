using System.Net;
using System.Text;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>
/// A JSON body is read as JSON whatever its Content-Type, on every endpoint that takes one, as the original
/// service read its report (it answered 200 to <c>curl -d</c>, to no Content-Type and to a latin1 charset);
/// the one endpoint that checks it, <c>/mcp</c>, answers the contract's 415 body, never ProblemDetails.
/// </summary>
[Collection(KeysModeCollection.Name)]
public class ContentTypeTests(KeysModeFixture keysMode)
{
    [SkippableTheory]
    [BothStores]
    public async Task Admin_bodies_are_read_as_json_with_a_form_type_none_or_another_charset(StoreKind store)
    {
        var service = await keysMode.GetAsync(store);
        using var admin = service.CreateClient(service.BootstrapKey);

        var form = await PostAsync(admin, "/api/keys", """{"name":"curl-d","scopes":["read"]}""", "application/x-www-form-urlencoded");
        var none = await PostAsync(admin, "/api/keys", """{"name":"no-type","scopes":["read"]}""", null);
        var latin1 = await PostAsync(admin, "/api/notification-routes", "{}", "application/json; charset=latin1");

        form.Status.Should().Be(HttpStatusCode.Created, form.Body);
        none.Status.Should().Be(HttpStatusCode.Created, none.Body);
        latin1.Status.Should().Be(HttpStatusCode.BadRequest);
        latin1.Body.Should().StartWith("""{"error":"bad_request","message":""", "the body was read, and refused by the route rules");
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_report_with_a_latin1_charset_is_read_as_json(StoreKind store)
    {
        var service = await keysMode.GetAsync(store);
        using var reporter = service.CreateClient(service.Keys["only-report"]);

        var (status, body) = await PostAsync(reporter, "/webhook/status", """{"agent_id":7}""", "application/json; charset=latin1");

        status.Should().Be(HttpStatusCode.BadRequest);
        body.Should().Be("""{"error":"bad_request","message":"agent_id must be a string"}""");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Mcp_refuses_a_body_that_is_not_json_with_the_contract_415(StoreKind store)
    {
        var service = await keysMode.GetAsync(store);
        using var client = service.Api.CreateUncheckedClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", service.Keys["only-report"]);

        var (status, body) = await PostAsync(client, "/mcp", """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", "text/plain");

        status.Should().Be(HttpStatusCode.UnsupportedMediaType);
        body.Should().Be("""{"error":"unsupported_media_type","message":"the request body must be JSON: send Content-Type: application/json"}""");
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient client, string path, string json, string? contentType)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
