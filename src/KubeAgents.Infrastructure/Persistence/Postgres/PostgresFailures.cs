using Npgsql;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>PostgreSQL is unavailable when Npgsql calls the failure transient: a lost or refused connection, a timeout, a server shutting down.</summary>
internal sealed class PostgresFailures : StoreFailureClassifier
{
    public override bool IsUnavailable(Exception exception) =>
        AnyInChain(exception, e => e is NpgsqlException { IsTransient: true });

    protected override bool IsCause(Exception exception) => exception is NpgsqlException;
}
