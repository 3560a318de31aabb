namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>
/// New sessions' ids, from blocks of the hi/lo sequence (<see cref="PostgresDbContext.HiLoSequence"/>):
/// each call of the sequence reserves <see cref="PostgresDbContext.HiLoBlockSize"/> ids for this
/// process, so a batch knows its sessions' ids before it inserts them and their first history
/// entries go in the same round trip. The blocks are EF's own hi/lo scheme (a sequence value
/// <c>v</c> gives <c>v</c> to <c>v + block - 1</c>), kept here because the write pipeline's rows are
/// not tracked: EF assigns its hi/lo ids only to entities it tracks. Whatever still takes ids through
/// EF draws its own blocks from the same sequence, so the two never give one id twice.
/// </summary>
/// <remarks>
/// One per process and database (a singleton of the store's registrations). Writers wait for one
/// another here only while a new block is fetched, one round trip per block, asynchronously: a
/// synchronous fetch once starved the thread pool (docs/benchmarks.md).
/// </remarks>
internal sealed class SessionIdBlocks(int blockSize) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _next;
    private long _end;

    /// <summary>Takes <paramref name="count"/> ids, fetching new blocks with <paramref name="nextBlock"/> (the sequence's next value) as needed.</summary>
    public async Task<long[]> TakeAsync(int count, Func<CancellationToken, Task<long>> nextBlock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nextBlock);
        var ids = new long[count];
        if (count == 0)
        {
            return ids;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var i = 0; i < count; i++)
            {
                if (_next == _end)
                {
                    var start = await nextBlock(cancellationToken).ConfigureAwait(false);
                    (_next, _end) = (start, start + blockSize);
                }

                ids[i] = _next++;
            }
        }
        finally
        {
            _gate.Release();
        }

        return ids;
    }

    public void Dispose() => _gate.Dispose();
}
