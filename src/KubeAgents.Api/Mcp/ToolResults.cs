using System.Text.Json;
using KubeAgents.Api.Errors;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace KubeAgents.Api.Mcp;

/// <summary>
/// A tool's answer: the REST API's JSON for the same request as structured content (the API's own
/// serializer options, so names, times and omitted members match), and one line of text for a model.
/// </summary>
internal sealed class ToolResults(IOptions<JsonOptions> json)
{
    private readonly JsonSerializerOptions _wire = json.Value.JsonSerializerOptions;

    public CallToolResult Success<T>(T body, string summary) => new()
    {
        StructuredContent = JsonSerializer.SerializeToElement(body, _wire),
        Content = [new TextContentBlock { Text = summary }],
    };

    /// <summary>The REST error body and its message: what a REST call with the same input would answer.</summary>
    public CallToolResult Error(ErrorResponse error) => new()
    {
        IsError = true,
        StructuredContent = JsonSerializer.SerializeToElement(error, _wire),
        Content = [new TextContentBlock { Text = error.Message }],
    };
}
