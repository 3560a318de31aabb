using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace KubeAgents.TestSupport;

/// <summary>
/// Counts the commands EF sends to the database (relational providers; the in-memory store sends none),
/// except a background service's own, tagged <c>-- background: ...</c> (the event feed reads after every commit).
/// </summary>
/// <param name="only">When given, counts only the commands it accepts (a key lookup reads <c>api_keys</c>).</param>
public sealed class SqlCommandCounter(Func<DbCommand, bool>? only = null) : DbCommandInterceptor
{
    private int _count;

    /// <summary>The commands that read or write the API keys: what a key lookup costs, whatever else runs.</summary>
    public static SqlCommandCounter KeyLookups() => new(command => command.CommandText.Contains("api_keys", StringComparison.Ordinal));

    public int Count => Volatile.Read(ref _count);

    /// <summary>A background service's own command (tagged <c>-- background: ...</c>), not a request's.</summary>
    public static bool IsBackground(DbCommand command) => command.CommandText.StartsWith("-- background:", StringComparison.Ordinal);

    public void Reset() => Interlocked.Exchange(ref _count, 0);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        CountUnlessBackground(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        CountUnlessBackground(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    private void CountUnlessBackground(DbCommand command)
    {
        if (!IsBackground(command) && (only is null || only(command)))
        {
            Interlocked.Increment(ref _count);
        }
    }
}
