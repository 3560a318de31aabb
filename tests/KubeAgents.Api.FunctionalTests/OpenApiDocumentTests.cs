using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>The committed OpenAPI document (the client's source) is the service's live document.</summary>
public class OpenApiDocumentTests
{
    private const string UpdateVariable = "UPDATE_OPENAPI";

    [Fact]
    public async Task Committed_document_matches_the_live_one()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite);
        var live = Normalize(await api.CreateClient().GetStringAsync("/swagger/v1/swagger.json"));
        var committedPath = Path.Combine(RepositoryRoot(), "src", "KubeAgents.Client", "openapi.json");

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(committedPath, live);
            return;
        }

        var committed = await File.ReadAllTextAsync(committedPath);
        committed.Should().Be(live,
            $"the API's OpenAPI document changed; regenerate it with `{UpdateVariable}=1 dotnet test --filter OpenApiDocumentTests`, " +
            "review the diff of src/KubeAgents.Client/openapi.json and commit it (the client is generated from it at build time)");
    }

    [Fact]
    public async Task Document_does_not_depend_on_the_host_serving_it()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite);
        var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/swagger/v1/swagger.json");
        request.Headers.Host = "kubeagents.example.com:8443";

        using var response = await client.SendAsync(request);
        var viaOtherHost = Normalize(await response.Content.ReadAsStringAsync());

        viaOtherHost.Should().Be(Normalize(await client.GetStringAsync("/swagger/v1/swagger.json")));
        JsonNode.Parse(viaOtherHost)!["servers"]![0]!["url"]!.GetValue<string>().Should().Be("http://localhost:8080");
    }

    [Fact]
    public async Task Swagger_ui_is_served()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite);

        using var response = await api.CreateClient().GetAsync("/swagger/index.html");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("swagger-ui");
    }

    [Fact]
    public async Task Swagger_ui_tries_requests_on_the_host_that_served_it()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite);
        var client = api.CreateClient();

        var page = await client.GetStringAsync("/swagger/index.html");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/swagger/v1/try-it-out.json");
        request.Headers.Host = "kubeagents.example.com:8443";
        using var response = await client.SendAsync(request);
        var forTheUi = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        var forGenerators = JsonNode.Parse(await client.GetStringAsync("/swagger/v1/swagger.json"))!.AsObject();

        page.Should().Contain("/swagger/v1/try-it-out.json", "Swagger UI loads the document without a servers entry");
        // No servers entry: OpenAPI resolves requests against the document's own location, the host the browser used.
        (forTheUi["servers"] is null || forTheUi["servers"]!.AsArray().Count == 0).Should().BeTrue(forTheUi["servers"]?.ToJsonString());
        forTheUi.Remove("servers");
        forGenerators.Remove("servers");
        Normalize(forTheUi.ToJsonString()).Should().Be(Normalize(forGenerators.ToJsonString()), "it is the same API");
    }

    [Fact]
    public async Task Description_keeps_angle_brackets_in_code_spans_so_swagger_ui_shows_them()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite);
        var description = JsonNode.Parse(await api.CreateClient().GetStringAsync("/swagger/v1/swagger.json"))!["info"]!["description"]!.GetValue<string>();

        description.Should().Contain("`{\"error\":\"<code>\",\"message\":\"<what is wrong>\"}`").And.Contain("`Authorization: Bearer <key>`");
        var outsideCodeSpans = System.Text.RegularExpressions.Regex.Replace(description, "`[^`]*`", string.Empty);
        outsideCodeSpans.Should().NotContainAny("<", ">", "&");
    }

    private static string Normalize(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KubeAgents.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("KubeAgents.sln not found above the test folder.");
    }
}
