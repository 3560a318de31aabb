using System.Collections.Concurrent;
using System.Globalization;
using KubeAgents.Api.Authentication;
using KubeAgents.Api.Errors;
using KubeAgents.Api.Mcp;
using KubeAgents.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace KubeAgents.Api.RateLimiting;

/// <summary>
/// A fixed one-minute window per client: the authenticated key (its prefix), else the client's address.
/// Past <see cref="RateLimitOptions.PerMinute"/> a request answers 429 <c>rate_limited</c> with
/// <c>Retry-After</c>: the whole seconds until the client's window ends, which is when it may send
/// again. Time comes from the injected <see cref="TimeProvider"/>, so the answer is testable exactly
/// (see ADR-008 on why not <c>Microsoft.AspNetCore.RateLimiting</c>). The probes are never limited.
/// </summary>
internal sealed class RequestRateLimiter(IOptions<RateLimitOptions> options, TimeProvider time)
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

    /// <returns>null when the request may go on, else how long until it may.</returns>
    public TimeSpan? TryAcquire(string client)
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

            if (counter.Count < Limit)
            {
                counter.Count++;
                return null;
            }

            return TimeSpan.FromTicks(counter.WindowStart + Window.Ticks - now);
        }
    }

    /// <summary>Whether the client has used its whole window (nothing counted).</summary>
    public bool IsExhausted(string client)
    {
        if (Limit == 0 || !_counters.TryGetValue(client, out var counter))
        {
            return false;
        }

        var now = time.GetUtcNow().UtcTicks;
        lock (counter)
        {
            return now < counter.WindowStart + Window.Ticks && counter.Count >= Limit;
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

    internal static string ClientOf(HttpContext context) =>
        context.User.FindFirst(ApiScopes.KeyPrefixClaim)?.Value is { } prefix
            ? "key:" + prefix
            : AddressOf(context);

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

    /// <summary>After authentication (the key is the client), before authorization.</summary>
    public static void UseKubeAgentsRateLimit(this WebApplication app)
    {
        var limiter = app.Services.GetRequiredService<RequestRateLimiter>();
        app.Use(async (context, next) =>
        {
            if (limiter.Limit == 0 || context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            if (limiter.TryAcquire(RequestRateLimiter.ClientOf(context)) is not { } wait)
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            var refusal = new ErrorResponse(ErrorResponse.RateLimited, $"more than {limiter.Limit} requests in a minute; retry after {seconds} s");
            if (await McpAnswers.TryRefuseAsync(context, refusal, seconds).ConfigureAwait(false))
            {
                return; // an MCP call: answered in-protocol (a tool error naming the wait), so the client's session goes on
            }

            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await context.Response.WriteAsJsonAsync(refusal).ConfigureAwait(false);
        });
    }
}
