using Npgsql;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>Tells the Api, without it knowing the provider, when a failure means "the database is unavailable, retry".</summary>
public static class DatabaseFailures
{
    public static bool IsUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException { IsTransient: true })
            {
                return true;
            }
        }

        return false;
    }
}
