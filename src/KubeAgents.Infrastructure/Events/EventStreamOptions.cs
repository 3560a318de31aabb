using KubeAgents.Application.Common.Settings;
using Microsoft.Extensions.Configuration;

namespace KubeAgents.Infrastructure.Events;

/// <summary>The event log's retention and each subscriber's buffer.</summary>
public sealed class EventStreamOptions : IServiceSettings
{
    public const string BufferKey = "EVENTS_CLIENT_BUFFER";
    public const string RetentionMinutesKey = "EVENTS_RETENTION_MINUTES";
    public const string RetentionCountKey = "EVENTS_RETENTION_COUNT";

    /// <summary>Events waiting for one subscriber; a subscriber that lets more pile up is cut off (it resumes with <c>Last-Event-ID</c>).</summary>
    public int ClientBuffer { get; set; } = 1000;

    /// <summary>Events younger than this are kept (at least 10 minutes).</summary>
    public TimeSpan RetentionAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The latest this many events are kept, however old (at least 10,000).</summary>
    public int RetentionCount { get; set; } = 10_000;

    /// <summary>How often the log is pruned.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the log is read when no commit was signalled: a fallback only (a lost notification, a dropped LISTEN connection).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Set by a store whose log lives and dies with the process (the default embedded store): its ids
    /// then start from a per-process base, so ids from before a restart are not taken for its own.
    /// </summary>
    public bool TemporaryLog { get; set; }

    public void Read(IConfiguration configuration)
    {
        ClientBuffer = configuration.GetInt32Setting(BufferKey, 1000, 16, 1_000_000);
        RetentionAge = TimeSpan.FromMinutes(configuration.GetInt32Setting(RetentionMinutesKey, 10, 10, 10_080));
        RetentionCount = configuration.GetInt32Setting(RetentionCountKey, 10_000, 10_000, 100_000_000);
    }
}
