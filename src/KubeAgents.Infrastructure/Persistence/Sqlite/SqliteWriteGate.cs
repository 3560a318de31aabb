using System.Globalization;
using Microsoft.Data.Sqlite;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The turn of this process's writers at one SQLite database, first come first served, awaited
/// without blocking a thread. SQLite has one write lock per database; a writer that finds it taken
/// gets <c>SQLITE_BUSY</c>, and Microsoft.Data.Sqlite retries that with a blocking 150 ms sleep, so a
/// writer could lose the lock again and again to another (the report writer to the notification
/// dispatcher) while every request waited. Writers queue here instead, before <c>BEGIN IMMEDIATE</c>,
/// and meet no <c>SQLITE_BUSY</c> from each other (<see cref="SqliteWriteGating"/>).
/// </summary>
/// <remarks>
/// A wait is bounded as SQLite's own busy wait is (the connection's <c>DefaultTimeout</c>) and ends
/// the same way: a <see cref="SqliteException"/> with <c>SQLITE_BUSY</c>, which
/// <see cref="SqliteFailures"/> classifies as an outage (503, <c>Retry-After</c>).
/// </remarks>
internal sealed class SqliteWriteGate(TimeSpan timeout)
{
    private const int SQLITE_BUSY = 5;

    private readonly Lock _sync = new();
    private readonly LinkedList<TaskCompletionSource> _waiters = new();
    private bool _held;

    /// <summary>How long a writer waits for its turn before it fails as busy; infinite for a timeout of 0.</summary>
    public TimeSpan Timeout { get; } = timeout <= TimeSpan.Zero ? System.Threading.Timeout.InfiniteTimeSpan : timeout;

    /// <summary>Writers waiting for their turn (not counting the one holding it).</summary>
    public int Waiting
    {
        get
        {
            lock (_sync)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>True while a writer holds its turn.</summary>
    public bool IsHeld
    {
        get
        {
            lock (_sync)
            {
                return _held;
            }
        }
    }

    /// <summary>Waits for this writer's turn; disposing the lease ends it and admits the next writer in line.</summary>
    public async ValueTask<Lease> EnterAsync(CancellationToken cancellationToken)
    {
        if (TryEnterOrQueue(cancellationToken) is not { } waiter)
        {
            return new Lease(this);
        }

        try
        {
            await waiter.Value.Task.WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            GiveUp(waiter);
            if (ex is TimeoutException)
            {
                throw Busy();
            }

            throw;
        }

        return new Lease(this);
    }

    /// <summary>As <see cref="EnterAsync"/>, for EF's synchronous paths: blocks this thread while it waits.</summary>
    public Lease Enter(CancellationToken cancellationToken)
    {
        if (TryEnterOrQueue(cancellationToken) is not { } waiter)
        {
            return new Lease(this);
        }

        bool admitted;
        try
        {
            admitted = waiter.Value.Task.Wait(Timeout, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            GiveUp(waiter);
            throw;
        }

        if (!admitted)
        {
            GiveUp(waiter);
            throw Busy();
        }

        return new Lease(this);
    }

    /// <returns>Null when the turn was free and is now this writer's; otherwise its place in line.</returns>
    private LinkedListNode<TaskCompletionSource>? TryEnterOrQueue(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            if (!_held)
            {
                _held = true;
                return null;
            }

            // Continuations run on the thread pool, not inside Release (under its caller's commit).
            return _waiters.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    /// <summary>A waiter that stops waiting leaves the line; if its turn came meanwhile, it passes it on.</summary>
    private void GiveUp(LinkedListNode<TaskCompletionSource> waiter)
    {
        lock (_sync)
        {
            if (waiter.List is not null)
            {
                _waiters.Remove(waiter);
                return;
            }
        }

        Release();
    }

    /// <summary>Hands the turn to the first writer in line, or frees it.</summary>
    private void Release()
    {
        TaskCompletionSource? next = null;
        lock (_sync)
        {
            if (_waiters.First is { } first)
            {
                _waiters.RemoveFirst();
                next = first.Value;
            }
            else
            {
                _held = false;
            }
        }

        next?.SetResult();
    }

    private SqliteException Busy() =>
        new(string.Create(CultureInfo.InvariantCulture, $"database is locked: this process's writers held the write lock for longer than the busy timeout ({Timeout.TotalSeconds:0.#} s)"), SQLITE_BUSY);

    /// <summary>A writer's turn; the first dispose ends it, later ones do nothing.</summary>
    internal sealed class Lease(SqliteWriteGate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
