using KubeAgents.Infrastructure.Persistence.Postgres;

namespace KubeAgents.UnitTests.Infrastructure;

/// <summary>
/// New sessions' ids on PostgreSQL: EF's hi/lo scheme, kept by the store because the write pipeline's
/// rows are untracked. A sequence value v gives v to v + block - 1; a new block is one call of the sequence.
/// </summary>
public class SessionIdBlocksTests
{
    [Fact]
    public async Task Ids_run_through_a_block_before_the_sequence_is_called_again()
    {
        var sequence = new FakeSequence(blockSize: 5);
        using var blocks = new SessionIdBlocks(5);

        var first = await blocks.TakeAsync(3, sequence.NextAsync, CancellationToken.None);
        var second = await blocks.TakeAsync(4, sequence.NextAsync, CancellationToken.None);

        first.Should().Equal(1, 2, 3);
        second.Should().Equal([4, 5, 6, 7], "the block's last two ids first, then a new block from the sequence's next value");
        sequence.Calls.Should().Be(2);
    }

    [Fact]
    public async Task A_batch_larger_than_a_block_takes_as_many_blocks_as_it_needs()
    {
        var sequence = new FakeSequence(blockSize: 5);
        using var blocks = new SessionIdBlocks(5);

        var ids = await blocks.TakeAsync(12, sequence.NextAsync, CancellationToken.None);

        ids.Should().Equal(Enumerable.Range(1, 12).Select(i => (long)i));
        sequence.Calls.Should().Be(3);
    }

    [Fact]
    public async Task No_sessions_call_nothing()
    {
        var sequence = new FakeSequence(blockSize: 5);
        using var blocks = new SessionIdBlocks(5);

        (await blocks.TakeAsync(0, sequence.NextAsync, CancellationToken.None)).Should().BeEmpty();
        sequence.Calls.Should().Be(0);
    }

    [Fact]
    public async Task Blocks_another_process_took_meanwhile_are_skipped_and_never_given_here()
    {
        var sequence = new FakeSequence(blockSize: 5);
        using var blocks = new SessionIdBlocks(5);

        var first = await blocks.TakeAsync(5, sequence.NextAsync, CancellationToken.None);
        await sequence.NextAsync(CancellationToken.None); // another replica's block: 6-10
        var second = await blocks.TakeAsync(2, sequence.NextAsync, CancellationToken.None);

        first.Should().Equal(1, 2, 3, 4, 5);
        second.Should().Equal(11, 12);
    }

    [Fact]
    public async Task Writers_taking_at_once_never_get_the_same_id_and_wait_for_one_block_fetch()
    {
        var sequence = new FakeSequence(blockSize: 50);
        using var blocks = new SessionIdBlocks(50);
        var fetch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The first writer's block fetch is held: the others wait for it, then share its block.
        var first = blocks.TakeAsync(10, async ct =>
        {
            await fetch.Task.WaitAsync(ct);
            return await sequence.NextAsync(ct);
        }, CancellationToken.None);
        var others = Enumerable.Range(0, 7).Select(_ => Task.Run(() => blocks.TakeAsync(10, sequence.NextAsync, CancellationToken.None))).ToList();
        fetch.SetResult();

        var all = (await Task.WhenAll([first, .. others])).SelectMany(ids => ids).ToList();

        all.Should().OnlyHaveUniqueItems().And.HaveCount(80);
        all.Should().BeEquivalentTo(Enumerable.Range(1, 80).Select(i => (long)i), "two blocks, used to the end before the next");
        sequence.Calls.Should().Be(2);
    }

    [Fact]
    public async Task A_failed_block_fetch_fails_that_take_and_the_next_take_fetches_again()
    {
        var sequence = new FakeSequence(blockSize: 5);
        using var blocks = new SessionIdBlocks(5);

        var failed = () => blocks.TakeAsync(2, _ => Task.FromException<long>(new TimeoutException("the store did not answer")), CancellationToken.None);

        await failed.Should().ThrowAsync<TimeoutException>();
        (await blocks.TakeAsync(2, sequence.NextAsync, CancellationToken.None)).Should().Equal(1, 2);
    }

    /// <summary>A PostgreSQL sequence <c>INCREMENT BY blockSize</c> from 1, as the migration creates it.</summary>
    private sealed class FakeSequence(int blockSize)
    {
        private long _last = 1 - blockSize;
        private int _calls;

        public int Calls => _calls;

        public Task<long> NextAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(Interlocked.Add(ref _last, blockSize));
        }
    }
}
