using Microsoft.Data.Sqlite;
using Npgsql;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>When a failure of either store means "the database is unavailable, retry".</summary>
internal static class DatabaseFailures
{
    private const int SQLITE_BUSY = 5;
    private const int SQLITE_LOCKED = 6;

    public static bool IsUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            // SQLite: the write lock stayed taken past the busy timeout.
            if (current is NpgsqlException { IsTransient: true } or SqliteException { SqliteErrorCode: SQLITE_BUSY or SQLITE_LOCKED })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The cause in one line, for a log: the provider's message and what lies under it ("Failed to
    /// connect to 127.0.0.1:5432: Connection refused"), not the wrapper EF's retrying strategy puts
    /// on top ("An exception has been raised that is likely due to a transient failure").
    /// </summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var start = exception;
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                start = current;
                break;
            }
        }

        var messages = new List<string>();
        for (var current = start; current is not null; current = current.InnerException)
        {
            var message = current.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
            if (message.Length > 0 && !messages.Any(m => m.Contains(message, StringComparison.Ordinal)))
            {
                messages.Add(message);
            }
        }

        return string.Join(": ", messages);
    }
}
