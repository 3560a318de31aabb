using System.Collections.Concurrent;
using KubeAgents.Api.Authentication;
using KubeAgents.Api.Errors;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.Application.Common.Settings;
using Microsoft.Extensions.Options;

namespace KubeAgents.Api.RateLimiting;

/// <summary>
/// A fixed one-minute window per client, counted before anything is looked up: a key this replica
/// vouches for from memory (<see cref="ApiKeyCache.IsKnown"/>) is its own client; any other key sent
/// (unknown, made-up, malformed, revoked, or not seen here yet) counts against its address's
/// unverified budget, apart from valid keys; a request with no key counts against its address. Past
/// the budget a request answers 429 <c>rate_limited</c> with <c>Retry-After</c>: the whole seconds
/// until the client's window ends. Time comes from the injected <see cref="TimeProvider"/>, so the
/// answer is testable exactly (see ADR-008 on why not <c>Microsoft.AspNetCore.RateLimiting</c>). A
/// probe that sends no key is never limited; one that sends a key is counted like any request.
/// </summary>
internal sealed class RequestRateLimiter(IOptions<RateLimitOptions> options, IOptions<AuthOptions> auth, ApiKeyCache keys, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Past this many clients, windows that ended are dropped (at most once a window).</summary>
    private const int PruneAbove = 10_000;

    /// <summary>Past this many clients in one window, new ones share one counter: memory stays bounded.</summary>
    private const int MaxClients = 100_000;

    private const string Overflow = "overflow";

    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private int _clients;
    private long _prunedAt = long.MinValue / 2;

    public int Limit => options.Value.PerMinute;

    /// <summary>Who the request counts against, and that client's budget; null when it is not limited.</summary>
    public (string Client, int Limit)? ClientOf(HttpContext context)
    {
        if (auth.Value.Mode == AuthMode.Keys && ApiKeyAuthenticationHandler.ReadKey(context.Request) is { } key)
        {
            return ApiKeySecret.TryGetPrefix(key, out var prefix) && keys.IsKnown(key, prefix)
                ? Budget("key:" + prefix, Limit)
                : ("unverified:" + AddressOf(context), options.Value.UnverifiedLimit);
        }

        return context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal) ? null : Budget(AddressOf(context), Limit);
    }

    /// <summary>
    /// For a key that arrives in a body (the dashboard's login form): counts it on its address's
    /// unverified budget unless this replica already vouches for it. False when that budget is spent:
    /// then nothing may be looked up for it.
    /// </summary>
    public bool AdmitsKey(HttpContext context, string key) =>
        (ApiKeySecret.TryGetPrefix(key, out var prefix) && keys.IsKnown(key, prefix))
        || TryAcquire("unverified:" + AddressOf(context), options.Value.UnverifiedLimit) is null;

    private static (string, int)? Budget(string client, int limit) => limit == 0 ? null : (client, limit);

    /// <returns>null when the request may go on, else how long until it may.</returns>
    public TimeSpan? TryAcquire(string client, int limit)
    {
        var now = time.GetUtcNow().UtcTicks;
        var counter = CounterOf(client, now);

        lock (counter)
        {
            if (now >= counter.WindowStart + Window.Ticks)
            {
                counter.WindowStart = now;
                counter.Count = 0;
            }

            if (counter.Count < limit)
            {
                counter.Count++;
                return null;
            }

            return TimeSpan.FromTicks(counter.WindowStart + Window.Ticks - now);
        }
    }

    private Counter CounterOf(string client, long now)
    {
        if (_counters.TryGetValue(client, out var counter))
        {
            return counter;
        }

        if (Volatile.Read(ref _clients) > PruneAbove)
        {
            Prune(now);
        }

        if (Volatile.Read(ref _clients) >= MaxClients)
        {
            return _counters.GetOrAdd(Overflow, _ => new Counter());
        }

        var added = new Counter();
        counter = _counters.GetOrAdd(client, added);
        if (ReferenceEquals(counter, added))
        {
            Interlocked.Increment(ref _clients);
        }

        return counter;
    }

    /// <summary>Drops the windows that ended; at most once a window, so a flood of new clients does not rescan each time.</summary>
    private void Prune(long now)
    {
        var last = Interlocked.Read(ref _prunedAt);
        if (now < last + Window.Ticks || Interlocked.CompareExchange(ref _prunedAt, now, last) != last)
        {
            return;
        }

        foreach (var (client, counter) in _counters)
        {
            if (now >= counter.WindowStart + Window.Ticks && _counters.TryRemove(client, out _))
            {
                Interlocked.Decrement(ref _clients);
            }
        }
    }

    /// <summary>The client's address; IPv6 by its /64, the block one host is usually given.</summary>
    internal static string AddressOf(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6, IsIPv4MappedToIPv6: false })
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            address = new System.Net.IPAddress(bytes);
        }
        else if (address is { IsIPv4MappedToIPv6: true })
        {
            address = address.MapToIPv4();
        }

        return "ip:" + address;
    }

    private sealed class Counter
    {
        public long WindowStart = long.MinValue / 2;
        public int Count;
    }
}

internal static class RateLimitSetup
{
    public static void AddKubeAgentsRateLimit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<RateLimitOptions>(configuration);
        services.AddSingleton<RequestRateLimiter>();
    }

    /// <summary>Before authentication: a key is counted before anything is looked up for it.</summary>
    public static void UseKubeAgentsRateLimit(this WebApplication app)
    {
        var limiter = app.Services.GetRequiredService<RequestRateLimiter>();
        app.Use(async (context, next) =>
        {
            if (limiter.ClientOf(context) is not (string client, int limit) || limiter.TryAcquire(client, limit) is not { } wait)
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            // An MCP call is answered in-protocol by the writer (a tool error naming the wait), so the client's session goes on.
            var message = $"more than {limit} requests in a minute; retry after {ErrorWriter.RetryAfterSeconds(wait)} s";
            await ErrorWriter.WriteAsync(context, ErrorCode.RateLimited, message, wait).ConfigureAwait(false);
        });
    }
}
