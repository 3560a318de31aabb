using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace KubeAgents.TestSupport;

/// <summary>
/// Counts the commands EF sends to the database (relational providers; the in-memory store sends none),
/// except a background service's own, tagged <c>-- background: ...</c> (the event feed reads after every commit).
/// </summary>
public sealed class SqlCommandCounter : DbCommandInterceptor
{
    private int _count;

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
        if (!IsBackground(command))
        {
            Interlocked.Increment(ref _count);
        }
    }
}
