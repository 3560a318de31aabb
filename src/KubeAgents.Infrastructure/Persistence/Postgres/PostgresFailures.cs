using Npgsql;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>PostgreSQL is unavailable when Npgsql calls the failure transient: a lost or refused connection, a timeout, a server shutting down.</summary>
internal sealed class PostgresFailures : StoreFailureClassifier
{
    public override bool IsUnavailable(Exception exception) =>
        AnyInChain(exception, e => e is NpgsqlException { IsTransient: true });

    /// <summary>The server answered the <c>COMMIT</c> with an error (a serialization failure, a deferred constraint): rolled back. A lost connection is in doubt.</summary>
    public override bool IsRefusedCommit(Exception exception) => exception is PostgresException;

    protected override bool IsCause(Exception exception) => exception is NpgsqlException;
}
