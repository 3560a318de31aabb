namespace KubeAgents.Infrastructure.Events;

/// <summary>
/// Wakes this instance's <see cref="EventFeed"/>: raised after a local commit that wrote events, and
/// on PostgreSQL when another replica's commit is announced. Signals before it looks collapse into one.
/// </summary>
internal sealed class EventLogSignal : WakeSignal
{
    private long _numbered;

    /// <summary>
    /// Records, after a local commit, the greatest stored id among its events, when the store numbered
    /// them as it wrote them (SQLite): the feed then learns where the log ends without a query. An id
    /// of 0 (events a store numbers later, PostgreSQL's inbox) records nothing.
    /// </summary>
    public void Numbered(long storedId)
    {
        var seen = Volatile.Read(ref _numbered);
        while (storedId > seen)
        {
            var was = Interlocked.CompareExchange(ref _numbered, storedId, seen);
            if (was == seen)
            {
                return;
            }

            seen = was;
        }
    }

    /// <summary>The greatest id recorded since the last call, or 0 when none was.</summary>
    public long TakeNumbered() => Interlocked.Exchange(ref _numbered, 0);
}
