using System.Collections.Concurrent;
using KubeAgents.Api.RateLimiting;

namespace KubeAgents.Api.Authentication;

/// <summary>
/// Logs keys that were sent but not accepted: each at Debug, and one Warning per client address per
/// minute (with how many came since the last one), so a flood of made-up keys costs one line a minute
/// per address. Only the public prefix is logged, never the key's text.
/// </summary>
internal sealed partial class RejectedKeyLog(TimeProvider time, ILogger<RejectedKeyLog> logger)
{
    /// <summary>Past this many addresses, the record is started afresh: memory stays bounded.</summary>
    private const int MaxAddresses = 10_000;

    private readonly ConcurrentDictionary<string, Interval> _addresses = new(StringComparer.Ordinal);

    public void Record(string address, string? prefix)
    {
        address = address.StartsWith("ip:", StringComparison.Ordinal) ? address[3..] : address;
        LogRejected(address, prefix ?? "(malformed)");
        var now = time.GetUtcNow().UtcTicks;
        if (_addresses.Count >= MaxAddresses)
        {
            _addresses.Clear();
        }

        var interval = _addresses.GetOrAdd(address, _ => new Interval());
        long since;
        lock (interval)
        {
            if (now < interval.Start + RequestRateLimiter.Window.Ticks)
            {
                interval.Count++;
                return;
            }

            since = interval.Count;
            interval.Start = now;
            interval.Count = 0;
        }

        LogWarning(address, since);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "API key not accepted from {Address}: prefix {Prefix} (unknown, malformed or revoked)")]
    private partial void LogRejected(string address, string prefix);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "API keys not accepted from {Address} (unknown, malformed or revoked); {Earlier} more since the last warning; for a minute, further ones from this address are logged at Debug only")]
    private partial void LogWarning(string address, long earlier);

    private sealed class Interval
    {
        public long Start = long.MinValue / 2;
        public long Count;
    }
}
