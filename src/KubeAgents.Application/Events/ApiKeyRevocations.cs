namespace KubeAgents.Application.Events;

/// <summary>
/// Revocations made in this process, for what a key keeps open beyond one request (event streams):
/// <see cref="ApiKeys.Commands.RevokeApiKey.RevokeApiKeyHandler"/> raises it once the revocation is committed, and every watch on
/// that key's prefix is cancelled at once. Other processes learn of a revocation from the store.
/// </summary>
/// <remarks>
/// Bounded by the store's keys: one entry per key watched, one per key revoked here. A prefix stays
/// revoked (a revoked key is never valid again), so a watch that starts after the revocation ends at once.
/// </remarks>
public sealed class ApiKeyRevocations
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CancellationTokenSource> _watches = new(StringComparer.Ordinal);
    private readonly HashSet<string> _revoked = new(StringComparer.Ordinal);

    /// <summary>A token cancelled when the key with this prefix is revoked in this process (already cancelled if it was).</summary>
    public CancellationToken Watch(string prefix)
    {
        lock (_gate)
        {
            if (_revoked.Contains(prefix))
            {
                return new CancellationToken(canceled: true);
            }

            if (!_watches.TryGetValue(prefix, out var watch))
            {
                _watches[prefix] = watch = new CancellationTokenSource();
            }

            return watch.Token;
        }
    }

    /// <summary>The key with this prefix was revoked here (committed): ends everything watching it.</summary>
    public void Revoked(string prefix)
    {
        CancellationTokenSource? watch;
        lock (_gate)
        {
            _revoked.Add(prefix);
            _watches.Remove(prefix, out watch);
        }

        // Not disposed: streams may still be linking to its token, which stays cancelled.
        watch?.Cancel();
    }
}
