namespace KubeAgents.Infrastructure.Retention;

/// <summary>
/// The retention deletes of one store, each one statement removing at most <c>limit</c> rows, so no
/// statement holds its locks for long. Each returns how many rows it removed; the
/// caller repeats it until fewer than <c>limit</c> come back. Every statement is safe to run from
/// several replicas at once, and beside the write pipeline.
/// </summary>
internal interface IRetentionStore
{
    /// <summary>
    /// The oldest status entries received at or after <paramref name="from"/> and before <paramref name="cutoff"/>,
    /// except each session's current-status entry. The batch says where the next one starts (the latest
    /// <c>received_at</c> it deleted), so a run reads past the entries it keeps only once: read again from
    /// the start, every batch would check every kept entry before it, and a run's time grows with the
    /// square of what it deletes.
    /// </summary>
    Task<RetentionBatch> DeleteStatusEntriesAsync(DateTimeOffset cutoff, DateTimeOffset from, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Sessions whose persisted expiry (the sweeper's) is before <paramref name="cutoff"/>, with what
    /// history they still have (by then their current entry only), cascaded.
    /// </summary>
    Task<int> DeleteSessionsAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken);

    /// <summary>Agents last seen before <paramref name="cutoff"/> that have no session left.</summary>
    Task<int> DeleteAgentsAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken);

    /// <summary>Delivered or failed notifications created before <paramref name="cutoff"/>; pending ones are never deleted.</summary>
    Task<int> DeleteFinishedNotificationsAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken);
}

/// <summary>One retention statement's rows, and the latest <c>received_at</c> among them (none: nothing was deleted).</summary>
internal sealed record RetentionBatch(int Deleted, DateTimeOffset? Through);
