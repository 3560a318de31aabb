using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Puts every write of the SQLite context through its database's <see cref="SqliteWriteGate"/>:
/// <list type="bullet">
/// <item>a transaction EF begins (<c>BeginTransaction</c>, and <c>SaveChanges</c>' own) enters the
/// gate, then runs <c>BEGIN IMMEDIATE</c>; <see cref="SqliteGatedTransactionFactory"/> leaves it when
/// the transaction ends (commit, rollback, or dispose, which rolls back what was not committed);</item>
/// <item><c>SaveChanges</c> outside a transaction always opens one (EF would run a single statement
/// without), so it is gated as above: <see cref="SqliteDbContext"/> sets that once, for every
/// context it pools;</item>
/// <item>a non-query outside a transaction (<c>ExecuteUpdate</c>, <c>ExecuteDelete</c>,
/// <c>ExecuteSql</c>) runs inside the gate: it is its own write transaction.</item>
/// </list>
/// </summary>
internal sealed class SqliteWriteGating(SqliteWriteGate gate) : DbTransactionInterceptor, IDbCommandInterceptor
{
    /// <summary>The gate's turn held by each open transaction this interceptor began.</summary>
    private static readonly ConditionalWeakTable<DbTransaction, SqliteWriteGate.Lease> Held = [];

    public SqliteWriteGate Gate => gate;

    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        return result.HasResult ? result : Begin(connection, eventData, await gate.EnterAsync(cancellationToken).ConfigureAwait(false));
    }

    public override InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        return result.HasResult ? result : Begin(connection, eventData, gate.Enter(CancellationToken.None));
    }

    /// <summary>Ends the turn <paramref name="transaction"/> holds, if any; once.</summary>
    public static void Leave(DbTransaction transaction)
    {
        if (Held.TryGetValue(transaction, out var lease) && Held.Remove(transaction))
        {
            lease.Dispose();
        }
    }

    /// <summary>Begins the transaction as EF would (Microsoft.Data.Sqlite: <c>BEGIN IMMEDIATE</c>), under the turn just taken.</summary>
    private static InterceptionResult<DbTransaction> Begin(DbConnection connection, TransactionStartingEventData eventData, SqliteWriteGate.Lease lease)
    {
        try
        {
            var transaction = connection.BeginTransaction(eventData.IsolationLevel);
            Held.Add(transaction, lease);
            return InterceptionResult<DbTransaction>.SuppressWithResult(transaction);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (result.HasResult || command.Transaction is not null)
        {
            return result;
        }

        using (await gate.EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            return InterceptionResult<int>.SuppressWithResult(await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false));
        }
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (result.HasResult || command.Transaction is not null)
        {
            return result;
        }

        using (gate.Enter(CancellationToken.None))
        {
            return InterceptionResult<int>.SuppressWithResult(command.ExecuteNonQuery());
        }
    }
}

/// <summary>
/// EF's transactions for the SQLite context, which leave the write gate when they end. Commit and
/// rollback end in <c>ClearTransaction</c>; dispose rolls back what was not committed (a failed commit
/// included) and ends there too, or leaves the gate anyway should the rollback throw: a turn never
/// released would stop every writer of the database.
/// </summary>
internal sealed class SqliteGatedTransactionFactory(RelationalTransactionFactoryDependencies dependencies) : RelationalTransactionFactory(dependencies)
{
    public override RelationalTransaction Create(
        IRelationalConnection connection,
        DbTransaction transaction,
        Guid transactionId,
        IDiagnosticsLogger<DbLoggerCategory.Database.Transaction> logger,
        bool transactionOwned) =>
        new GatedTransaction(connection, transaction, transactionId, logger, transactionOwned, Dependencies.SqlGenerationHelper);

    private sealed class GatedTransaction(
        IRelationalConnection connection,
        DbTransaction transaction,
        Guid transactionId,
        IDiagnosticsLogger<DbLoggerCategory.Database.Transaction> logger,
        bool transactionOwned,
        ISqlGenerationHelper sqlGenerationHelper)
        : RelationalTransaction(connection, transaction, transactionId, logger, transactionOwned, sqlGenerationHelper)
    {
        private readonly DbTransaction _transaction = transaction;

        public override void Dispose()
        {
            try
            {
                base.Dispose();
            }
            finally
            {
                SqliteWriteGating.Leave(_transaction);
            }
        }

        public override async ValueTask DisposeAsync()
        {
            try
            {
                await base.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                SqliteWriteGating.Leave(_transaction);
            }
        }

        protected override void ClearTransaction()
        {
            try
            {
                base.ClearTransaction();
            }
            finally
            {
                SqliteWriteGating.Leave(_transaction);
            }
        }

        protected override async Task ClearTransactionAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                await base.ClearTransactionAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                SqliteWriteGating.Leave(_transaction);
            }
        }
    }
}
