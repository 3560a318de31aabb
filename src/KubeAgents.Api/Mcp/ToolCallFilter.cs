using KubeAgents.Api.Errors;
using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace KubeAgents.Api.Mcp;

/// <summary>
/// Wraps every <c>tools/call</c>: the caller's scope first (<see cref="ToolScopeAttribute"/> through
/// <see cref="IToolAuthorizer"/>), then the arguments' shape (<see cref="ToolArguments"/>), then the tool.
/// What the tool throws becomes an MCP tool error with the REST API's body and message
/// (<see cref="ErrorMapping"/>), never an exception trace.
/// </summary>
internal static partial class ToolCallFilter
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
                return results.Error(new ErrorResponse(ErrorResponse.Forbidden, refusal));
            }

            // Numeric and boolean strings become numbers and booleans here (ADR-007): the arguments are rewritten in place.
            if (ToolArguments.Problem(tool.ProtocolTool.InputSchema, request.Params?.Arguments) is { } problem)
            {
                return results.Error(new ErrorResponse(ErrorResponse.BadRequest, problem));
            }

            try
            {
                return await next(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var storeFailures = services.GetRequiredService<IStoreFailureClassifier>();
                var (status, body) = ErrorMapping.Map(exception, storeFailures);
                if (status == StatusCodes.Status500InternalServerError)
                {
                    LogToolFailed(Logger(services), exception, tool.ProtocolTool.Name);
                }
                else if (status == StatusCodes.Status503ServiceUnavailable && exception is not ServiceUnavailableException)
                {
                    // An outage is not a bug: its cause, without a stack trace (a full queue is logged by the write pipeline).
                    LogToolUnavailable(Logger(services), tool.ProtocolTool.Name, storeFailures.Describe(exception));
                }

                // REST's Retry-After for a 503: the exception's wait, else the store outage's 5 s (ApiExceptionHandler).
                var retryAfter = status != StatusCodes.Status503ServiceUnavailable ? (TimeSpan?)null
                    : exception is ServiceUnavailableException { RetryAfter: var after } ? after : TimeSpan.FromSeconds(5);
                return results.Error(body, retryAfter);
            }
        };

    /// <summary>The scope the tool declares; a tool without one is a programming error, refused at its first call.</summary>
    public static string RequiredScope(McpServerTool tool) =>
        tool.Metadata.OfType<ToolScopeAttribute>().SingleOrDefault()?.Scope
        ?? throw new InvalidOperationException($"MCP tool '{tool.ProtocolTool.Name}' declares no [ToolScope].");

    private static ILogger Logger(IServiceProvider services) => services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ToolCallFilter));

    [LoggerMessage(Level = LogLevel.Error, Message = "MCP tool {Tool} failed with an internal error")]
    private static partial void LogToolFailed(ILogger logger, Exception exception, string tool);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MCP tool {Tool} answered unavailable, the database is unavailable: {Cause}")]
    private static partial void LogToolUnavailable(ILogger logger, string tool, string cause);
}
