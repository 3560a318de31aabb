using System.Globalization;
using System.Text.Json;
using KubeAgents.Api.Errors;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace KubeAgents.Api.Mcp;

/// <summary>
/// JSON-RPC answers written before the MCP server sees a call: by <see cref="McpRequestGuard"/> (input
/// the REST API refuses) and by the rate limiter (<see cref="TryRefuseAsync"/>). They answer in-protocol,
/// HTTP 200 with one JSON-RPC response, so a client gets a tool error or a JSON-RPC error and its session
/// goes on, where an HTTP 429 ends some clients.
/// </summary>
internal static class McpAnswers
{
    /// <summary>JSON-RPC's "invalid params"; the SDK answers an unknown tool with it too.</summary>
    public const int InvalidParams = -32602;

    /// <summary>The implementation-defined server error: a call refused for now (rate limit, overload), to retry after the wait it names.</summary>
    public const int RetryLater = -32000;

    /// <summary>
    /// The rate limiter's seam: a refused POST to <c>/mcp</c> is answered in-protocol, a <c>tools/call</c>
    /// as a tool error carrying the REST body, another request as a JSON-RPC error naming the wait, a
    /// notification with 202. False when the request is not an MCP message: the caller answers HTTP.
    /// </summary>
    public static async Task<bool> TryRefuseAsync(HttpContext context, ErrorResponse error, int retryAfterSeconds)
    {
        if (!IsMcpPost(context) || await McpMessage.ReadAsync(context).ConfigureAwait(false) is not { } message)
        {
            return false;
        }

        using (message)
        {
            context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            if (message.Id is not { } id)
            {
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                return true;
            }

            var wait = TimeSpan.FromSeconds(retryAfterSeconds);
            await (message.Method == RequestMethods.ToolsCall
                ? WriteToolErrorAsync(context, id, error, wait)
                : WriteRpcErrorAsync(context, id, RetryLater, ToolResults.NameTheWait(error.Message, wait), error)).ConfigureAwait(false);
            return true;
        }
    }

    public static bool IsMcpPost(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(McpSetup.Path, StringComparison.Ordinal);

    public static Task WriteToolErrorAsync(HttpContext context, JsonElement id, ErrorResponse error, TimeSpan? retryAfter = null)
    {
        var result = context.RequestServices.GetRequiredService<ToolResults>().Error(error, retryAfter);
        return WriteAsync(context, new JsonRpcResponse
        {
            Id = RequestIdOf(id),
            Result = JsonSerializer.SerializeToNode(result, McpJsonUtilities.DefaultOptions),
        });
    }

    public static Task WriteRpcErrorAsync(HttpContext context, JsonElement id, int code, string message, ErrorResponse? data = null) =>
        WriteAsync(context, new JsonRpcError
        {
            Id = RequestIdOf(id),
            Error = new JsonRpcErrorDetail
            {
                Code = code,
                Message = message,
                Data = data is null ? null : context.RequestServices.GetRequiredService<ToolResults>().Json(data),
            },
        });

    private static async Task WriteAsync(HttpContext context, JsonRpcMessage message)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, message, McpJsonUtilities.DefaultOptions, context.RequestAborted).ConfigureAwait(false);
    }

    private static RequestId RequestIdOf(JsonElement id) =>
        id.ValueKind == JsonValueKind.String ? new RequestId(id.GetString()!) : new RequestId(id.GetInt64());
}
