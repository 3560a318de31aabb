using KubeAgents.Domain.Agents;
using KubeAgents.Infrastructure.Persistence.Postgres;
using Microsoft.EntityFrameworkCore.Storage;

namespace KubeAgents.UnitTests.Infrastructure;

/// <summary>
/// The rule the sweeper's race rests on, as the batch's row writer checks it on the sessions it names
/// (the <c>SaveChanges</c> path is checked on a database, in PostgresStoreRuleTests): a stored
/// session is updated only by the transaction that holds its agent.
/// </summary>
public class SessionWriterLockTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_session_of_a_held_agent_may_be_updated_in_the_transaction_that_holds_it()
    {
        var transaction = new Transaction();
        var writers = new SessionWriterLock();
        writers.Held(transaction, ["held"]);

        var update = () => writers.EnsureHeld(transaction, [Agent.Register("held", At).OpenSession("t", At)]);

        update.Should().NotThrow();
    }

    [Fact]
    public void A_session_of_an_agent_not_held_is_refused_naming_the_agent_and_the_rule()
    {
        var transaction = new Transaction();
        var writers = new SessionWriterLock();
        writers.Held(transaction, ["held"]);

        var update = () => writers.EnsureHeld(transaction, [Agent.Register("other", At).OpenSession("t", At)]);

        update.Should().Throw<InvalidOperationException>().WithMessage("*agent 'other'*without holding its agent*LockAgentsAsync*");
    }

    [Fact]
    public void What_another_transaction_held_does_not_count_nor_does_no_transaction()
    {
        var writers = new SessionWriterLock();
        writers.Held(new Transaction(), ["held"]);
        var session = Agent.Register("held", At).OpenSession("t", At);

        var inAnother = () => writers.EnsureHeld(new Transaction(), [session]);
        var inNone = () => writers.EnsureHeld(null, [session]);

        inAnother.Should().Throw<InvalidOperationException>();
        inNone.Should().Throw<InvalidOperationException>();
    }

    private sealed class Transaction : IDbContextTransaction
    {
        public Guid TransactionId { get; } = Guid.NewGuid();

        public void Commit()
        {
        }

        public Task CommitAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public void Rollback()
        {
        }

        public Task RollbackAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
