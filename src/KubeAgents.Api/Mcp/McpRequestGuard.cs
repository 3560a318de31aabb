using System.Text.Json;
using KubeAgents.Api.Errors;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace KubeAgents.Api.Mcp;

/// <summary>
/// Reads each POST to <c>/mcp</c> before the MCP server does, and refuses there what the REST API refuses
/// in a request body but the server's JSON-RPC reader would let through or crash on: a key given twice
/// (the reader keeps the last), arguments that are not an object and text with an unpaired surrogate
/// (both a JSON-RPC -32603 with a logged stack trace). A <c>tools/call</c> gets a tool error carrying the
/// REST 400 body, after the same scope check as <see cref="ToolCallFilter"/>; an unknown tool, the SDK's
/// own -32602, without the SDK's two logged stack traces.
/// </summary>
internal sealed class McpRequestGuard(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IOptions<McpServerOptions> options, IToolAuthorizer authorizer)
    {
        using var message = await McpMessage.ReadAsync(context).ConfigureAwait(false);
        if (message?.Id is not { } id || !await AnsweredAsync(context, message, id, options.Value, authorizer).ConfigureAwait(false))
        {
            await next(context).ConfigureAwait(false);
        }
    }

    private static async Task<bool> AnsweredAsync(HttpContext context, McpMessage message, JsonElement id, McpServerOptions options, IToolAuthorizer authorizer)
    {
        var parameters = message.Params;
        if (message.Method != RequestMethods.ToolsCall)
        {
            return McpMessage.HasBadText(parameters)
                && await Refused(context, id, "Invalid params: text must be valid Unicode (an unpaired surrogate is not)").ConfigureAwait(false);
        }

        if (parameters.ValueKind != JsonValueKind.Object)
        {
            return await Refused(context, id, "Invalid params: params must be an object").ConfigureAwait(false);
        }

        var name = parameters.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String ? McpMessage.TextOf(nameElement) : null;
        if (name is null || options.ToolCollection is not { } tools || !tools.TryGetPrimitive(name, out var tool))
        {
            return await Refused(context, id, name is null ? "Invalid params: name must be a tool's name" : $"Unknown tool: '{name}'").ConfigureAwait(false);
        }

        if (await authorizer.RefusalAsync(context.User, ToolCallFilter.RequiredScope(tool), context.RequestAborted).ConfigureAwait(false) is { } refusal)
        {
            await McpAnswers.WriteToolErrorAsync(context, id, ErrorWriter.Body(ErrorCode.Forbidden, refusal)).ConfigureAwait(false);
            return true;
        }

        if (ArgumentsProblem(parameters, tool.ProtocolTool.InputSchema) is { } problem)
        {
            await McpAnswers.WriteToolErrorAsync(context, id, ErrorWriter.Body(ErrorCode.BadRequest, problem)).ConfigureAwait(false);
            return true;
        }

        return McpMessage.HasBadText(parameters)
            && await Refused(context, id, "Invalid params: text must be valid Unicode (an unpaired surrogate is not)").ConfigureAwait(false);
    }

    /// <summary>What the REST API would answer for these arguments as a request body, before any rule: null when they bind.</summary>
    private static string? ArgumentsProblem(JsonElement parameters, JsonElement inputSchema)
    {
        if (!parameters.TryGetProperty("arguments", out var arguments) || arguments.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (arguments.ValueKind != JsonValueKind.Object)
        {
            return "request body must be a JSON object";
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var argument in arguments.EnumerateObject())
        {
            if (McpMessage.NameOf(argument) is not { } name)
            {
                return "request body is not valid JSON: a key is not valid Unicode text (an unpaired surrogate is not)";
            }

            var type = ToolArguments.TypeOf(inputSchema, name);
            if (!seen.Add(name) && type is not null)
            {
                return $"duplicate key {name} in the request body";
            }

            if (McpMessage.HasBadText(argument.Value))
            {
                return type switch
                {
                    "string" => $"{name} must be a string",
                    "integer" => $"{name} must be an integer",
                    "boolean" => $"{name} must be true or false",
                    _ => $"{name} must be valid Unicode text (an unpaired surrogate is not)",
                };
            }
        }

        return null;
    }

    private static async Task<bool> Refused(HttpContext context, JsonElement id, string message)
    {
        await McpAnswers.WriteRpcErrorAsync(context, id, McpAnswers.InvalidParams, message).ConfigureAwait(false);
        return true;
    }
}
