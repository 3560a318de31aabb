namespace KubeAgents.Application.Common.Interfaces;

/// <summary>
/// The store's word on a failure, so that layers which do not know the provider (the Api's error
/// mapping, background services) can tell "the store is unavailable, retry later" from a bug.
/// </summary>
public interface IStoreFailureClassifier
{
    /// <summary>The store cannot be reached or is busy: a 503 with <c>Retry-After</c>, not a 500.</summary>
    bool IsUnavailable(Exception exception);

    /// <summary>
    /// True when a commit that failed with <paramref name="exception"/> certainly did not commit: the
    /// store itself answered with an error. Otherwise (a connection lost while the commit was answered)
    /// the commit is in doubt, and the write pipeline never applies that batch again (ADR-005).
    /// </summary>
    bool IsRefusedCommit(Exception exception);

    /// <summary>The cause in one line, for a log.</summary>
    string Describe(Exception exception);
}
