using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace KubeAgents.Api.Mcp;

/// <summary>
/// Checks a call's arguments against the tool's input schema before they are bound: a missing required
/// argument or a value of the wrong JSON type is answered in the REST API's words ("agent_id is
/// required", "ttl_minutes must be an integer") instead of a binding exception. Limits (lengths,
/// ranges, enums) are left to the application's validators, as for REST.
/// One leniency REST does not have (ADR-007): an integer or boolean argument may come as a string that
/// spells exactly one (<c>"60"</c>, <c>"false"</c>), as the MCP Inspector CLI sends every argument; it is
/// replaced by the number or boolean before binding.
/// </summary>
internal static partial class ToolArguments
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

        foreach (var (name, value) in arguments.ToList())
        {
            if (value.ValueKind == JsonValueKind.Null || !properties.TryGetProperty(name, out var property))
            {
                continue; // null means absent; unknown arguments are ignored, as unknown JSON members are by REST.
            }

            if (Allows(property, "string") && value.ValueKind != JsonValueKind.String)
            {
                return $"{name} must be a string";
            }

            if (Allows(property, "integer") && !IsInteger(value))
            {
                if (!(value.ValueKind == JsonValueKind.String && Integer().IsMatch(value.GetString()!)
                    && int.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)))
                {
                    return $"{name} must be an integer";
                }

                arguments[name] = JsonSerializer.SerializeToElement(number);
            }

            if (Allows(property, "boolean") && value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                if (value.ValueKind != JsonValueKind.String || value.GetString() is not ("true" or "false"))
                {
                    return $"{name} must be true or false";
                }

                arguments[name] = JsonSerializer.SerializeToElement(value.GetString() == "true");
            }
        }

        return null;
    }

    /// <summary>The JSON type ("string", "integer" or "boolean") the tool takes for this argument; null for an argument it does not take.</summary>
    public static string? TypeOf(JsonElement inputSchema, string name) =>
        inputSchema.TryGetProperty("properties", out var properties) && properties.TryGetProperty(name, out var property)
            ? new[] { "string", "integer", "boolean" }.FirstOrDefault(type => Allows(property, type))
            : null;

    private static bool IsInteger(JsonElement value) => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _);

    /// <summary>Whether the property's schema names this JSON type (<c>"type":"string"</c> or <c>"type":["string","null"]</c>).</summary>
    private static bool Allows(JsonElement property, string type) =>
        property.TryGetProperty("type", out var declared) && declared.ValueKind switch
        {
            JsonValueKind.String => declared.ValueEquals(type),
            JsonValueKind.Array => declared.EnumerateArray().Any(t => t.ValueEquals(type)),
            _ => false,
        };

    /// <summary>An integer as JSON writes one: no sign but '-', no leading zero, space, fraction or exponent.</summary>
    [GeneratedRegex(@"^-?(0|[1-9][0-9]{0,9})$", RegexOptions.CultureInvariant)]
    private static partial Regex Integer();
}
