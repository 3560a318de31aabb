namespace KubeAgents.Infrastructure.Retention;

/// <summary>
/// The retention deletes of one store, each one statement removing at most <c>limit</c> rows, so no
/// statement holds its locks for long. Each returns how many rows it removed; the
/// caller repeats it until fewer than <c>limit</c> come back. Every statement is safe to run from
/// several replicas at once, and beside the write pipeline.
/// </summary>
internal interface IRetentionStore
{
    /// <summary>Status entries received before <paramref name="cutoff"/>, except each session's current-status entry.</summary>
    Task<int> DeleteStatusEntriesAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken);

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
