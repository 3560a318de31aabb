using KubeAgents.Application.Common.Settings;

namespace KubeAgents.Api.RateLimiting;

/// <summary>
/// <c>RATE_LIMIT_PER_MINUTE</c>: requests per key (per client address without a key) per minute; 0
/// turns that limit off. <c>RATE_LIMIT_UNVERIFIED_KEYS_PER_MINUTE</c>: requests per client address per
/// minute that present a key this replica cannot vouch for without a lookup (unknown, made-up,
/// malformed, revoked, or not seen here yet), counted apart from valid keys, so bad keys never lock a
/// good key out; never more than <c>RATE_LIMIT_PER_MINUTE</c> when that is lower. Always on.
/// </summary>
public sealed class RateLimitOptions : IServiceSettings
{
    public const string PerMinuteKey = "RATE_LIMIT_PER_MINUTE";
    public const string UnverifiedPerMinuteKey = "RATE_LIMIT_UNVERIFIED_KEYS_PER_MINUTE";

    /// <summary>Far above what one client of the benchmark sends (about 400,000 a minute on 2 cores).</summary>
    public const int DefaultPerMinute = 1_000_000;

    /// <summary>Enough for every key of a NAT's clients to be seen once; few lookups for a flood of made-up keys.</summary>
    public const int DefaultUnverifiedPerMinute = 100;

    public int PerMinute { get; set; } = DefaultPerMinute;

    public int UnverifiedPerMinute { get; set; } = DefaultUnverifiedPerMinute;

    /// <summary>The budget of unverified keys an address really has.</summary>
    public int UnverifiedLimit => PerMinute == 0 ? UnverifiedPerMinute : Math.Min(PerMinute, UnverifiedPerMinute);

    public void Read(IConfiguration configuration)
    {
        PerMinute = configuration.GetInt32Setting(PerMinuteKey, DefaultPerMinute, 0, 100_000_000);
        UnverifiedPerMinute = configuration.GetInt32Setting(UnverifiedPerMinuteKey, DefaultUnverifiedPerMinute, 1, 100_000_000);
    }
}
