using KubeAgents.Api.Errors;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace KubeAgents.Api.Mcp;

/// <summary>
/// Wraps every <c>tools/call</c>: the caller's scope first (<see cref="ToolScopeAttribute"/> through
/// <see cref="IToolAuthorizer"/>), then the arguments' shape (<see cref="ToolArguments"/>), then the tool.
/// What the tool throws becomes an MCP tool error with the REST API's body and message
/// (<see cref="ErrorMapping"/>), logged by <see cref="ErrorLog"/>, never an exception trace.
/// </summary>
internal static class ToolCallFilter
{
    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Create(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (request, cancellationToken) =>
        {
            if (request.MatchedPrimitive is not McpServerTool tool)
            {
                return await next(request, cancellationToken).ConfigureAwait(false); // an unknown tool: the SDK's own error
            }

            var services = request.Services
                ?? throw new InvalidOperationException("An MCP tool call without request services cannot be authorized."); // never with the HTTP transport

            var results = services.GetRequiredService<ToolResults>();
            var scope = RequiredScope(tool);
            var refusal = await services.GetRequiredService<IToolAuthorizer>().RefusalAsync(request.User, scope, cancellationToken).ConfigureAwait(false);
            if (refusal is not null)
            {
                return results.Error(ErrorCode.Forbidden, refusal);
            }

            // Numeric and boolean strings become numbers and booleans here (ADR-007): the arguments are rewritten in place.
            if (ToolArguments.Problem(tool.ProtocolTool.InputSchema, request.Params?.Arguments) is { } problem)
            {
                return results.Error(ErrorCode.BadRequest, problem);
            }

            try
            {
                return await next(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var (code, message, retryAfter, _) = services.GetRequiredService<ErrorLog>().Record(exception, $"MCP tool {tool.ProtocolTool.Name}");
                return results.Error(code, message, retryAfter);
            }
        };

    /// <summary>The scope the tool declares; a tool without one is a programming error, refused at its first call.</summary>
    public static string RequiredScope(McpServerTool tool) =>
        tool.Metadata.OfType<ToolScopeAttribute>().SingleOrDefault()?.Scope
        ?? throw new InvalidOperationException($"MCP tool '{tool.ProtocolTool.Name}' declares no [ToolScope].");
}
