using System.Globalization;
using KubeAgents.Api.Mcp;
using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using Microsoft.AspNetCore.Diagnostics;

namespace KubeAgents.Api.Errors;

/// <summary>Where exceptions become HTTP answers (see <see cref="ErrorHandling"/>). Nothing internal reaches the body.</summary>
internal sealed partial class ApiExceptionHandler(IStoreFailureClassifier storeFailures, ILogger<ApiExceptionHandler> logger, TimeProvider time) : IExceptionHandler
{
    /// <summary>During an outage every request fails alike: one line per window says so, with how many were not logged.</summary>
    public static readonly TimeSpan OutageLogWindow = TimeSpan.FromSeconds(5);

    private readonly Lock _outageLog = new();
    private DateTimeOffset _nextOutageLine = DateTimeOffset.MinValue;
    private int _outagesNotLogged;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, body) = ErrorMapping.Map(exception, storeFailures);

        if (status == StatusCodes.Status503ServiceUnavailable && exception is not ServiceUnavailableException)
        {
            // A full write queue is logged where it happens (the write pipeline), once per wait.
            LogOutage(httpContext.Request, exception);
        }
        else if (status >= StatusCodes.Status500InternalServerError)
        {
            LogServerError(exception, httpContext.Request.Method, httpContext.Request.Path, status);
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            var retryAfter = exception is ServiceUnavailableException { RetryAfter: var after } ? after : TimeSpan.FromSeconds(5);
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            if (await McpAnswers.TryRefuseAsync(httpContext, body, seconds).ConfigureAwait(false))
            {
                return true; // an MCP call: answered in-protocol, naming the wait, so the client's session goes on
            }

            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        httpContext.Response.StatusCode = status;
        await httpContext.Response.WriteAsJsonAsync(body, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The cause without its stack trace (an outage is not a bug), at most once a window.</summary>
    private void LogOutage(HttpRequest request, Exception exception)
    {
        int notLogged;
        lock (_outageLog)
        {
            var now = time.GetUtcNow();
            if (now < _nextOutageLine)
            {
                _outagesNotLogged++;
                return;
            }

            _nextOutageLine = now + OutageLogWindow;
            notLogged = _outagesNotLogged;
            _outagesNotLogged = 0;
        }

        if (notLogged == 0)
        {
            LogUnavailable(request.Method, request.Path, storeFailures.Describe(exception));
        }
        else
        {
            LogStillUnavailable(request.Method, request.Path, storeFailures.Describe(exception), notLogged);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503, the database is unavailable: {Cause}")]
    private partial void LogUnavailable(string method, string path, string cause);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Method} {Path} answered 503, the database is unavailable: {Cause} ({NotLogged} more like it since the last line)")]
    private partial void LogStillUnavailable(string method, string path, string cause, int notLogged);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed with {Status}")]
    private partial void LogServerError(Exception exception, string method, string path, int status);
}
