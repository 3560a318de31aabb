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
        StructuredContent = Json(body),
        Content = [new TextContentBlock { Text = summary }],
    };

    /// <summary>
    /// The REST error body and its message: what a REST call with the same input would answer. A refusal
    /// for now (429, 503) names the wait REST puts in <c>Retry-After</c>, since a tool result has no headers.
    /// </summary>
    public CallToolResult Error(ErrorCode code, string message, TimeSpan? retryAfter = null) =>
        Error(ErrorWriter.Body(code, message), code.AsksToRetryLater ? retryAfter ?? ErrorWriter.DefaultRetryAfter : null);

    /// <summary>A body <see cref="ErrorWriter"/> made, for a refusal written before the MCP server sees the call.</summary>
    public CallToolResult Error(ErrorResponse error, TimeSpan? retryAfter) => new()
    {
        IsError = true,
        StructuredContent = Json(error),
        Content = [new TextContentBlock { Text = retryAfter is { } wait ? NameTheWait(error.Message, wait) : error.Message }],
    };

    public JsonElement Json<T>(T body) => JsonSerializer.SerializeToElement(body, _wire);

    /// <summary>The message, with the wait in whole seconds unless it names one already (the rate limiter's does).</summary>
    public static string NameTheWait(string message, TimeSpan wait) =>
        message.Contains("retry after", StringComparison.Ordinal)
            ? message
            : $"{message} (retry after {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s)";
}
