using System.Globalization;
using KubeAgents.Api.Authentication;
using KubeAgents.Api.Mcp;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;

namespace KubeAgents.Api.Errors;

/// <summary>
/// The one writer of error answers: the status from <see cref="ErrorCode"/>'s table, the contract's
/// <c>{"error","message"}</c> body, and the headers that go with the code (<c>Retry-After</c> for 429
/// and 503, <c>WWW-Authenticate</c> for 401). Middleware, controllers, the exception handler and MCP
/// all answer through it; how a failure is logged is <see cref="ErrorLog"/>'s.
/// </summary>
internal static class ErrorWriter
{
    /// <summary>The wait a 503 names when its cause names none (a store outage).</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);

    public static ErrorResponse Body(ErrorCode code, string message) => new(code.Name, message);

    /// <summary>
    /// Answers the request with the error. A refusal for now (429, 503) to an MCP call is answered
    /// in-protocol instead (a tool error naming the wait), so the client's session goes on.
    /// </summary>
    public static Task WriteAsync(HttpContext context, ErrorCode code, string message, TimeSpan? retryAfter = null) =>
        WriteAsync(context, code, code.Status, message, retryAfter);

    /// <summary>An exception's answer (<see cref="ErrorMapping"/>), keeping a status the server chose.</summary>
    public static Task WriteAsync(HttpContext context, ErrorMapping.Outcome outcome) =>
        WriteAsync(context, outcome.Code, outcome.ServerStatus ?? outcome.Code.Status, outcome.Message, outcome.RetryAfter);

    /// <summary>
    /// The body for a status the framework set without one (an unknown route, a wrong method, a content
    /// type the MCP endpoint refuses). A status the table lacks is kept, with the code of its class.
    /// </summary>
    public static Task WriteForStatusAsync(HttpContext context)
    {
        var status = context.Response.StatusCode;
        var code = ErrorCode.ForStatus(status);
        return WriteAsync(context, code, status, StatusMessages.GetValueOrDefault(code, "bad request"));
    }

    private static readonly Dictionary<ErrorCode, string> StatusMessages = new()
    {
        [ErrorCode.NotFound] = "no such endpoint",
        [ErrorCode.MethodNotAllowed] = "method not allowed",
        [ErrorCode.UnsupportedMediaType] = "the request body must be JSON: send Content-Type: application/json",
    };

    private static async Task WriteAsync(HttpContext context, ErrorCode code, int status, string message, TimeSpan? retryAfter = null)
    {
        var body = Body(code, message);
        var response = context.Response;
        if (code.AsksToRetryLater)
        {
            var seconds = RetryAfterSeconds(retryAfter ?? DefaultRetryAfter);
            if (await McpAnswers.TryRefuseAsync(context, body, seconds).ConfigureAwait(false))
            {
                return;
            }

            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
        else if (code == ErrorCode.Unauthorized)
        {
            response.Headers.WWWAuthenticate = InvalidKeyFeature.IsSetOn(context) ? "Bearer error=\"invalid_token\"" : "Bearer";
        }

        response.StatusCode = status;
        await response.WriteAsJsonAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The same answer as an action result, for controllers and MVC's invalid-model hook.</summary>
    public static IActionResult Result(ErrorCode code, string message) => new ErrorResult(code, message);

    /// <summary>A wait in the whole seconds <c>Retry-After</c> carries: at least 1, rounded up.</summary>
    public static int RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    private sealed class ErrorResult(ErrorCode code, string message) : IActionResult, IStatusCodeActionResult
    {
        public int? StatusCode => code.Status;

        public Task ExecuteResultAsync(ActionContext context) => WriteAsync(context.HttpContext, code, message);
    }
}
