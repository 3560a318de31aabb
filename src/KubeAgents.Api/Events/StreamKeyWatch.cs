using System.Security.Claims;
using KubeAgents.Api.Authentication;
using KubeAgents.Application.Events;
using Microsoft.Extensions.Options;

namespace KubeAgents.Api.Events;

/// <summary>
/// Ends an event stream when the key that opened it stops being valid. A revocation in this process
/// (<see cref="ApiKeyRevocations"/>) ends it at once; one made elsewhere (another replica, the
/// <c>keys</c> command) is found by looking the key up again through <see cref="ApiKeyCache"/> every
/// <c>API_KEY_CACHE_SECONDS</c> on the injected clock: the same bound as for a single request.
/// </summary>
public sealed partial class StreamKeyWatch(
    ApiKeyRevocations revocations,
    ApiKeyCache cache,
    TimeProvider time,
    IOptions<AuthOptions> auth,
    ILogger<StreamKeyWatch> logger)
{
    /// <summary>Re-checks never come faster than this, even with the cache off (<c>API_KEY_CACHE_SECONDS=0</c>).</summary>
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A token that ends the stream of <paramref name="user"/>: cancelled with <paramref name="stopping"/>,
    /// or when the key it authenticated with is revoked. Without a key (open mode) only <paramref name="stopping"/> ends it.
    /// </summary>
    public Lease Start(ClaimsPrincipal user, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(user);
        var ended = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        if (user.FindFirst(ApiScopes.KeyPrefixClaim)?.Value is not { } prefix)
        {
            return new Lease(ended, default);
        }

        var registration = revocations.Watch(prefix).UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), ended);
        _ = RecheckAsync(prefix, ended);
        return new Lease(ended, registration);
    }

    /// <summary>Until the stream ends: every cache period, is the key still there and not revoked?</summary>
    private async Task RecheckAsync(string prefix, CancellationTokenSource ended)
    {
        var interval = auth.Value.CacheDuration > MinimumInterval ? auth.Value.CacheDuration : MinimumInterval;
        var token = ended.Token;
        try
        {
            while (true)
            {
                await Task.Delay(interval, time, token).ConfigureAwait(false);
                try
                {
                    if (await cache.FindAsync(prefix, token).ConfigureAwait(false) is null or { Revoked: true })
                    {
                        LogRevokedElsewhere(prefix);
                        await ended.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The store is unreachable: the stream keeps what it had; the next period asks again.
                    LogRecheckFailed(prefix, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The stream ended.
        }
        catch (ObjectDisposedException)
        {
            // The stream ended and its lease was disposed while this looked.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ended an event stream of key {Prefix}: the key was revoked")]
    private partial void LogRevokedElsewhere(string prefix);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not re-check key {Prefix} for its event stream: {Reason}")]
    private partial void LogRecheckFailed(string prefix, string reason);

    /// <summary>The stream's end token; disposing it stops watching.</summary>
    public sealed class Lease(CancellationTokenSource ended, CancellationTokenRegistration registration) : IDisposable
    {
        public CancellationToken Ended => ended.Token;

        public void Dispose()
        {
            registration.Dispose();
            ended.Cancel();
            ended.Dispose();
        }
    }
}
