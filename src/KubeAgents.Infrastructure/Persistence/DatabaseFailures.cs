using Microsoft.Data.Sqlite;
using Npgsql;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>Tells the Api, without it knowing the provider, when a failure means "the database is unavailable, retry".</summary>
public static class DatabaseFailures
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
}
