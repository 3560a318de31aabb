using System.Text.Json;
using System.Text.Json.Nodes;
using KubeAgents.Api.OpenApi;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using NSwag.Generation;

namespace KubeAgents.Api.Mcp;

/// <summary>
/// Each tool's <c>outputSchema</c>, read from the service's own OpenAPI document: the 200 response schema
/// of the REST operation the tool wraps (<see cref="RestOperationAttribute"/>), or its error body, which
/// is what a tool error carries. One source of truth, the DTOs behind the document; nothing written by
/// hand. Made once, on the first <c>tools/list</c>, when every controller is known.
/// </summary>
internal sealed class ToolOutputSchemas(IOpenApiDocumentGenerator generator)
{
    private const string ComponentPrefix = "#/components/schemas/";

    private readonly Lazy<Task<JsonObject>> _document = new(async () =>
        JsonNode.Parse((await generator.GenerateAsync(OpenApiSetup.DocumentName).ConfigureAwait(false)).ToJson())!.AsObject());

    /// <summary>Gives every tool its schema (once: the tools are the server's singletons).</summary>
    public async Task ApplyAsync(IEnumerable<McpServerTool> tools)
    {
        foreach (var tool in tools.Where(t => t.ProtocolTool.OutputSchema is null))
        {
            var operation = tool.Metadata.OfType<RestOperationAttribute>().SingleOrDefault()
                ?? throw new InvalidOperationException($"MCP tool '{tool.ProtocolTool.Name}' declares no [RestOperation].");
            tool.ProtocolTool.OutputSchema = await ForAsync(operation).ConfigureAwait(false);
        }
    }

    /// <summary><c>{"type":"object","anyOf":[200 body, error body]}</c>, self-contained (references inlined).</summary>
    public async Task<JsonElement> ForAsync(RestOperationAttribute operation)
    {
        var document = await _document.Value.ConfigureAwait(false);
        var schemas = document["components"]!["schemas"]!.AsObject();
        var responses = document["paths"]?[operation.Path]?[operation.Method.ToLowerInvariant()]?["responses"]
            ?? throw new InvalidOperationException($"The OpenAPI document has no {operation.Method} {operation.Path}.");

        var schema = new JsonObject
        {
            ["type"] = "object",
            ["description"] = $"The answer of {operation.Method} {operation.Path}: its 200 body, or its error body {{\"error\",\"message\"}} when isError is true.",
            ["anyOf"] = new JsonArray(Inline(BodySchema(responses, "200"), schemas), Inline(BodySchema(responses, "400"), schemas)),
        };
        return JsonSerializer.SerializeToElement(schema, McpJsonUtilities.DefaultOptions);
    }

    private static JsonNode BodySchema(JsonNode responses, string status) =>
        responses[status]?["content"]?["application/json"]?["schema"]
        ?? throw new InvalidOperationException($"The OpenAPI document declares no JSON {status} body here.");

    /// <summary>
    /// A JSON Schema without references to the document (the DTOs nest a few levels, never recursively):
    /// OpenAPI 3.0's own keywords become JSON Schema's (<c>nullable</c>) or go (<c>x-*</c>, <c>example</c>).
    /// </summary>
    private static JsonNode Inline(JsonNode node, JsonObject schemas) => node switch
    {
        JsonObject { Count: 1 } reference when reference["$ref"]?.GetValue<string>() is { } target && target.StartsWith(ComponentPrefix, StringComparison.Ordinal) =>
            Inline(schemas[target[ComponentPrefix.Length..]]!, schemas),
        JsonObject obj => InlineObject(obj, schemas),
        JsonArray array => new JsonArray([.. array.Select(item => item is null ? null : Inline(item, schemas))]),
        _ => node.DeepClone(),
    };

    private static JsonObject InlineObject(JsonObject obj, JsonObject schemas)
    {
        var copy = new JsonObject();
        foreach (var (name, value) in obj)
        {
            if (name.StartsWith("x-", StringComparison.Ordinal) || name is "example" or "nullable")
            {
                continue;
            }

            copy[name] = value is null ? null : Inline(value, schemas);
        }

        if (obj["nullable"]?.GetValue<bool>() == true && copy["type"] is JsonValue type)
        {
            copy["type"] = new JsonArray(type.GetValue<string>(), "null");
        }

        return copy;
    }
}
