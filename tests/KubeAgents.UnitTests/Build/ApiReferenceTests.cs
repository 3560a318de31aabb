using System.Text.Json.Nodes;

namespace KubeAgents.UnitTests.Build;

/// <summary>docs/api.md names every parameter and every schema member of the committed OpenAPI document.</summary>
public class ApiReferenceTests
{
    private static readonly JsonObject Document = JsonNode.Parse(Repository.Read("src/KubeAgents.Client/openapi.json"))!.AsObject();
    private static readonly string Reference = Repository.Read("docs/api.md");

    [Fact]
    public void Every_parameter_is_documented()
    {
        var parameters = Document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject())
            .Where(operation => operation.Value is JsonObject)
            .SelectMany(operation => operation.Value!["parameters"]?.AsArray() ?? [])
            .Select(parameter => parameter!["name"]!.GetValue<string>())
            .Distinct()
            .ToList();

        parameters.Should().Contain(["limit", "cursor", "history_limit", "history_cursor"]);
        parameters.Where(name => !Reference.Contains($"`{name}", StringComparison.Ordinal))
            .Should().BeEmpty("docs/api.md names each parameter of the OpenAPI document in a code span");
    }

    [Fact]
    public void Every_member_of_every_schema_is_documented()
    {
        var members = new SortedSet<string>(StringComparer.Ordinal);
        Collect(Document["components"]!["schemas"]!, members);

        members.Should().Contain("running_since");
        members.Where(name => !Reference.Contains($"`{name}`", StringComparison.Ordinal))
            .Should().BeEmpty("docs/api.md names each member of the OpenAPI document's schemas in a code span");
    }

    [Fact]
    public void Every_path_is_documented()
    {
        var paths = Document["paths"]!.AsObject().Select(path => path.Key).ToList();

        paths.Should().Contain("/api/agents/{agent_id}/history");
        paths.Where(path => !Reference.Contains(path, StringComparison.Ordinal)).Should().BeEmpty();
    }

    private static void Collect(JsonNode? node, ISet<string> members)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["properties"] is JsonObject properties)
                {
                    foreach (var property in properties)
                    {
                        members.Add(property.Key);
                    }
                }

                foreach (var child in obj)
                {
                    Collect(child.Value, members);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Collect(child, members);
                }

                break;
        }
    }
}
