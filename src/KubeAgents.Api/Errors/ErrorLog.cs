using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;

namespace KubeAgents.Api.Errors;

/// <summary>
/// The one place that decides how a failure that became an error answer is logged, for HTTP and MCP
/// alike: a bug (500) with its stack trace; a store outage (503) as one line naming the cause, without
/// a stack trace (an outage is not a bug), at most once a window with how many were not logged. A full
/// write queue (<see cref="ServiceUnavailableException"/>) is logged where it happens, by the write pipeline.
/// </summary>
internal sealed partial class ErrorLog(IStoreFailureClassifier storeFailures, ILogger<ErrorLog> logger, TimeProvider time)
{
    /// <summary>During an outage every request fails alike: one line per window says so, with how many were not logged.</summary>
    public static readonly TimeSpan OutageLogWindow = TimeSpan.FromSeconds(5);

    private readonly Lock _outageLog = new();
    private DateTimeOffset _nextOutageLine = DateTimeOffset.MinValue;
    private int _outagesNotLogged;

    /// <summary>Maps the exception (<see cref="ErrorMapping"/>) and logs it by the rule above; <paramref name="source"/> names the request or tool.</summary>
    public ErrorMapping.Outcome Record(Exception exception, string source)
    {
        var outcome = ErrorMapping.Map(exception, storeFailures);
        if (outcome.Code == ErrorCode.Unavailable && exception is not ServiceUnavailableException)
        {
            LogOutage(source, exception);
        }
        else if (outcome.Code.Status >= StatusCodes.Status500InternalServerError)
        {
            LogServerError(exception, source, outcome.Code.Status);
        }

        return outcome;
    }

    private void LogOutage(string source, Exception exception)
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
            LogUnavailable(source, storeFailures.Describe(exception));
        }
        else
        {
            LogStillUnavailable(source, storeFailures.Describe(exception), notLogged);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Source} answered 503, the database is unavailable: {Cause}")]
    private partial void LogUnavailable(string source, string cause);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Source} answered 503, the database is unavailable: {Cause} ({NotLogged} more like it since the last line)")]
    private partial void LogStillUnavailable(string source, string cause, int notLogged);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Source} failed with {Status}")]
    private partial void LogServerError(Exception exception, string source, int status);
}
