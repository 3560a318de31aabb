using System.Collections.Concurrent;
using System.Globalization;
using KubeAgents.Api.Authentication;
using KubeAgents.Api.Errors;
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

    /// <summary>Past this many clients, windows that ended are dropped.</summary>
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    public int Limit => options.Value.PerMinute;

    /// <returns>null when the request may go on, else how long until it may.</returns>
    public TimeSpan? TryAcquire(string client)
    {
        var now = time.GetUtcNow().UtcTicks;
        if (!_counters.TryGetValue(client, out var counter))
        {
            if (_counters.Count > PruneAbove)
            {
                Prune(now);
            }

            counter = _counters.GetOrAdd(client, _ => new Counter());
        }

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

    private void Prune(long now)
    {
        foreach (var (client, counter) in _counters)
        {
            if (now >= counter.WindowStart + Window.Ticks)
            {
                _counters.TryRemove(client, out _);
            }
        }
    }

    internal static string ClientOf(HttpContext context) =>
        context.User.FindFirst(ApiScopes.KeyPrefixClaim)?.Value is { } prefix
            ? "key:" + prefix
            : "ip:" + context.Connection.RemoteIpAddress;

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
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await context.Response.WriteAsJsonAsync(new ErrorResponse(ErrorResponse.RateLimited,
                $"more than {limiter.Limit} requests in a minute; retry after {seconds} s")).ConfigureAwait(false);
        });
    }
}
