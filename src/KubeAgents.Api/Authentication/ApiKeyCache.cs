using System.Collections.Concurrent;
using KubeAgents.Application.ApiKeys.Commands.RecordApiKeyUse;
using KubeAgents.Application.ApiKeys.Queries.FindApiKey;
using KubeAgents.Domain.ApiKeys;
using Mediator;
using Microsoft.Extensions.Options;

namespace KubeAgents.Api.Authentication;

/// <summary>
/// What this replica knows of each key, for <see cref="AuthOptions.CacheDuration"/> (30 s by default):
/// the hot path hashes the presented key and compares it in memory, without a query. Revocation here
/// evicts at once; elsewhere it is seen when the entry expires. Also throttles <c>last_used_at</c>
/// to one write per key per <see cref="ApiKey.UsageResolution"/>.
/// </summary>
public sealed partial class ApiKeyCache(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<AuthOptions> options,
    ILogger<ApiKeyCache> logger)
{
    /// <summary>Past this many prefixes that name no key, those (and only those) are forgotten.</summary>
    private const int MaxUnknown = 10_000;

    /// <summary>Prefixes of stored keys (revoked ones too): bounded by the store's keys.</summary>
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Prefixes that named no key when looked up: made-up keys never push real ones out.</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _unknown = new(StringComparer.Ordinal);

    private long _evictions;

    /// <summary>
    /// Whether this replica has read the key as stored and unrevoked, and the text hashes to it, fresh
    /// or not: a prefix's hash never changes, so only a revocation elsewhere can make this stale.
    /// </summary>
    public bool IsKnown(string key, string prefix) =>
        _entries.TryGetValue(prefix, out var entry) && entry.Credential is { Revoked: false } stored && ApiKeySecret.Matches(key, stored.Hash);

    /// <summary>The stored key with this prefix (null when none), from memory while fresh.</summary>
    public async ValueTask<ApiKeyCredential?> FindAsync(string prefix, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(prefix, out var entry) && now < entry.FetchedAt + options.Value.CacheDuration)
        {
            return entry.Credential;
        }

        if (_unknown.TryGetValue(prefix, out var at) && now < at + options.Value.CacheDuration)
        {
            return null;
        }

        var evictions = Interlocked.Read(ref _evictions);
        ApiKeyCredential? credential;
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            credential = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new FindApiKeyQuery(prefix), cancellationToken).ConfigureAwait(false);
        }

        if (Interlocked.Read(ref _evictions) != evictions)
        {
            // A revocation here raced this read: the answer may predate it, so it is used once, not kept.
            return credential;
        }

        if (credential is null)
        {
            if (_unknown.Count >= MaxUnknown)
            {
                _unknown.Clear();
            }

            _unknown[prefix] = now;
            return null;
        }

        // Keep when usage was last recorded, so a refresh does not write again.
        _entries[prefix] = new Entry(credential, now) { LastRecordedTicks = entry?.LastRecordedTicks ?? long.MinValue };
        return credential;
    }

    /// <summary>The stored key this text is, when it is a well-formed, known, unrevoked key (hash compared in constant time); else null.</summary>
    public async ValueTask<ApiKeyCredential?> VerifyAsync(string key, CancellationToken cancellationToken)
    {
        return ApiKeySecret.TryGetPrefix(key, out var prefix) ? await VerifyAsync(key, prefix, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>As <see cref="VerifyAsync(string, CancellationToken)"/>, for a caller that already has the key's prefix.</summary>
    public async ValueTask<ApiKeyCredential?> VerifyAsync(string key, string prefix, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(prefix, out var known) && known.Credential is { } seen && (seen.Revoked || !ApiKeySecret.Matches(key, seen.Hash)))
        {
            // A prefix's hash never changes and a revocation is for good: no lookup can make this key valid.
            return null;
        }

        var stored = await FindAsync(prefix, cancellationToken).ConfigureAwait(false);
        return stored is { Revoked: false } && ApiKeySecret.Matches(key, stored.Hash) ? stored : null;
    }

    /// <summary>Forgets the key here at once (it was revoked on this replica), and any read that raced the revocation.</summary>
    public void Evict(string prefix)
    {
        Interlocked.Increment(ref _evictions);
        _entries.TryRemove(prefix, out _);
    }

    /// <summary>Records that the key authenticated a request: at most one store write per key per minute, off the request path.</summary>
    public void RecordUse(string prefix)
    {
        if (!_entries.TryGetValue(prefix, out var entry))
        {
            return;
        }

        var now = time.GetUtcNow();
        var last = Interlocked.Read(ref entry.LastRecordedTicks);
        if (last != long.MinValue && now.UtcTicks - last < ApiKey.UsageResolution.Ticks)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref entry.LastRecordedTicks, now.UtcTicks, last) != last)
        {
            return; // another request of this key is writing it
        }

        _ = WriteUseAsync(prefix, now);
    }

    private async Task WriteUseAsync(string prefix, DateTimeOffset now)
    {
        try
        {
            var scope = scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                await scope.ServiceProvider.GetRequiredService<ISender>().Send(new RecordApiKeyUseCommand(prefix, now)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Bookkeeping only: the request it describes already succeeded.
            LogUseNotRecorded(prefix, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "last_used_at of key {Prefix} not recorded: {Reason}")]
    private partial void LogUseNotRecorded(string prefix, string reason);

    private sealed class Entry(ApiKeyCredential? credential, DateTimeOffset fetchedAt)
    {
        public long LastRecordedTicks = long.MinValue;

        public ApiKeyCredential? Credential { get; } = credential;

        public DateTimeOffset FetchedAt { get; } = fetchedAt;
    }
}
