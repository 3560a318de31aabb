using System.Text.Json;

namespace KubeAgents.Api.Mcp;

/// <summary>
/// The JSON-RPC message of a POST to <c>/mcp</c>, read without consuming the body (the MCP server reads it
/// again). Duplicate keys are kept, so that <see cref="McpRequestGuard"/> can refuse them as REST does.
/// </summary>
internal sealed class McpMessage : IDisposable
{
    private readonly JsonDocument _document;

    private McpMessage(JsonDocument document) => _document = document;

    public JsonElement Root => _document.RootElement;

    /// <summary>The request's id (a string or an integer); null for a notification.</summary>
    public JsonElement? Id =>
        Root.TryGetProperty("id", out var id) && (id.ValueKind == JsonValueKind.String || (id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out _)))
            ? id
            : null;

    public string? Method => Root.TryGetProperty("method", out var method) && method.ValueKind == JsonValueKind.String ? TextOf(method) : null;

    public JsonElement Params => Root.TryGetProperty("params", out var parameters) ? parameters : default;

    /// <returns>Null when the body is not one JSON-RPC message (malformed JSON, a batch): the MCP server answers that itself.</returns>
    public static async Task<McpMessage?> ReadAsync(HttpContext context)
    {
        context.Request.EnableBuffering();
        try
        {
            var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return new McpMessage(document);
            }

            document.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            context.Request.Body.Position = 0;
        }
    }

    /// <summary>The string's text; null when it holds an unpaired surrogate, which no .NET string of the JSON can carry on.</summary>
    public static string? TextOf(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Whether any string (or member name) in the value holds an unpaired surrogate.</summary>
    public static bool HasBadText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => TextOf(value) is null,
        JsonValueKind.Array => value.EnumerateArray().Any(HasBadText),
        JsonValueKind.Object => value.EnumerateObject().Any(p => NameOf(p) is null || HasBadText(p.Value)),
        _ => false,
    };

    public static string? NameOf(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public void Dispose() => _document.Dispose();
}
