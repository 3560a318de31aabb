using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace KubeAgents.Api.Mcp;

/// <summary>
/// Input schemas that say what the tools take. The SDK writes an optional argument as
/// <c>"type":[T,"null"],"default":null</c> but leaves null out of its <c>enum</c> (from
/// <c>[AllowedValues(…, null)]</c>), so a strict JSON Schema validator refused <c>{"status":null}</c>, and
/// the schema's own default, where the tool takes null as absent (<see cref="ToolArguments"/>). Here such
/// an enum lists null too, the form Ajv, NJsonSchema and OpenAI's strict tool schemas read as "optional".
/// </summary>
internal static class ToolInputSchemas
{
    public static JsonElement WithNullInOptionalEnums(JsonElement schema)
    {
        var root = JsonNode.Parse(schema.GetRawText())!.AsObject();
        if (root["properties"] is not JsonObject properties)
        {
            return schema;
        }

        foreach (var (_, property) in properties)
        {
            if (property is JsonObject { } argument && argument["enum"] is JsonArray values && TakesNull(argument) && values.All(v => v is not null))
            {
                values.Add((JsonNode?)null);
            }
        }

        return JsonSerializer.SerializeToElement(root, McpJsonUtilities.DefaultOptions);
    }

    private static bool TakesNull(JsonObject argument) =>
        argument["type"] is JsonArray types && types.Any(t => t is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() == "null");
}
