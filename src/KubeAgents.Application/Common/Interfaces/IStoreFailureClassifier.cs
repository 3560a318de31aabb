namespace KubeAgents.Application.Common.Interfaces;

/// <summary>
/// The store's word on a failure, so that layers which do not know the provider (the Api's error
/// mapping, background services) can tell "the store is unavailable, retry later" from a bug.
/// </summary>
public interface IStoreFailureClassifier
{
    /// <summary>The store cannot be reached or is busy: a 503 with <c>Retry-After</c>, not a 500.</summary>
    bool IsUnavailable(Exception exception);

    /// <summary>The cause in one line, for a log.</summary>
    string Describe(Exception exception);
}
