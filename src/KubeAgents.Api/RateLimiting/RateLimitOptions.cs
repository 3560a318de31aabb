using KubeAgents.Infrastructure.Configuration;

namespace KubeAgents.Api.RateLimiting;

/// <summary><c>RATE_LIMIT_PER_MINUTE</c>: requests per key (per client address in open mode) per minute; 0 turns the limit off.</summary>
public sealed class RateLimitOptions : IServiceSettings
{
    public const string PerMinuteKey = "RATE_LIMIT_PER_MINUTE";

    /// <summary>Far above what one client of the benchmark sends (about 400,000 a minute on 2 cores).</summary>
    public const int DefaultPerMinute = 1_000_000;

    public int PerMinute { get; set; } = DefaultPerMinute;

    public void Read(IConfiguration configuration) =>
        PerMinute = configuration.GetInt32Setting(PerMinuteKey, DefaultPerMinute, 0, 100_000_000);
}
