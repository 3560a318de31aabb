using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>
/// EF Core logs every failed command, connection, transaction, query and save at Error, with its
/// stack trace, before the exception reaches the code that handles it. That code logs it once, at
/// the level it deserves (the API's exception handler: a 500 with its stack, an outage as one
/// rate-limited warning; start-up and the background services: a line with the cause). Left at
/// Error, a 10 s outage wrote thousands of stack traces, a first start on an empty database a
/// "fail:" for the migrations history EF probes and then creates, and a client hanging up mid-report
/// "An error occurred using a transaction". They stay visible at Debug.
/// <para>
/// The pending-model-changes check is off at run time: on every start it rebuilt the last migration's
/// snapshot model and diffed it against the model (6% of start-up CPU, ADR-006). CI runs the same
/// check on each store (<c>dotnet ef migrations has-pending-model-changes</c> in <c>.ci/run</c>), where a
/// missing migration is the build's failure rather than a refused start.
/// </para>
/// </summary>
internal static class StoreLogLevels
{
    public static void Configure(WarningsConfigurationBuilder warnings)
    {
        ArgumentNullException.ThrowIfNull(warnings);
        warnings.Log(
            (RelationalEventId.CommandError, LogLevel.Debug),
            (RelationalEventId.ConnectionError, LogLevel.Debug),
            (RelationalEventId.TransactionError, LogLevel.Debug),
            (CoreEventId.QueryIterationFailed, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug));
        warnings.Ignore(RelationalEventId.PendingModelChangesWarning);
    }
}
