using System.Text.Json;

namespace KubeAgents.Api.Mcp;

/// <summary>
/// Checks a call's arguments against the tool's input schema before they are bound: a missing required
/// argument or a value of the wrong JSON type is answered in the REST API's words ("agent_id is
/// required", "ttl_minutes must be an integer") instead of a binding exception. Limits (lengths,
/// ranges, enums) are left to the application's validators, as for REST.
/// </summary>
internal static class ToolArguments
{
    public static string? Problem(JsonElement inputSchema, IDictionary<string, JsonElement>? arguments)
    {
        arguments ??= new Dictionary<string, JsonElement>();
        if (inputSchema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
            {
                if (!arguments.TryGetValue(name, out var value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
                {
                    return $"{name} is required";
                }
            }
        }

        if (!inputSchema.TryGetProperty("properties", out var properties))
        {
            return null;
        }

        foreach (var (name, value) in arguments)
        {
            if (value.ValueKind == JsonValueKind.Null || !properties.TryGetProperty(name, out var property))
            {
                continue; // null means absent; unknown arguments are ignored, as unknown JSON members are by REST.
            }

            if (Allows(property, "string") && value.ValueKind != JsonValueKind.String)
            {
                return $"{name} must be a string";
            }

            if (Allows(property, "integer") && !(value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _)))
            {
                return $"{name} must be an integer";
            }
        }

        return null;
    }

    /// <summary>Whether the property's schema names this JSON type (<c>"type":"string"</c> or <c>"type":["string","null"]</c>).</summary>
    private static bool Allows(JsonElement property, string type) =>
        property.TryGetProperty("type", out var declared) && declared.ValueKind switch
        {
            JsonValueKind.String => declared.ValueEquals(type),
            JsonValueKind.Array => declared.EnumerateArray().Any(t => t.ValueEquals(type)),
            _ => false,
        };
}
