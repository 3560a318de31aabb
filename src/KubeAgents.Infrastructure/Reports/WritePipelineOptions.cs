using KubeAgents.Application.Common.Settings;
using Microsoft.Extensions.Configuration;

namespace KubeAgents.Infrastructure.Reports;

/// <summary>How reports are grouped into transactions. Each store sets <see cref="Writers"/>.</summary>
public sealed class WritePipelineOptions : IServiceSettings
{
    public const string MaxBatchKey = "WRITE_MAX_BATCH";
    public const string QueueCapacityKey = "WRITE_QUEUE_CAPACITY";

    /// <summary>PostgreSQL's writer count (<c>PostgresStore.Writers</c> by default); the embedded store always runs one.</summary>
    public const string WritersKey = "WRITE_WRITERS";

    /// <summary>
    /// Writer loops, each owning the agents that hash to it (so one agent's reports keep their
    /// order). SQLite: 1 (one writer at a time is its model). PostgreSQL: a few, so one batch's
    /// round trips overlap another's.
    /// </summary>
    public int Writers { get; set; } = 1;

    /// <summary>At most this many reports in one transaction.</summary>
    public int MaxBatch { get; set; } = 256;

    /// <summary>Reports waiting for a writer, over all writers; past it a report waits <see cref="QueueWait"/>, then gets 503.</summary>
    public int QueueCapacity { get; set; } = 8192;

    public TimeSpan QueueWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Times a batch is retried when another replica's transaction got in its way (unique key, deadlock).</summary>
    public int ConflictRetries { get; set; } = 3;

    public void Read(IConfiguration configuration)
    {
        MaxBatch = configuration.GetInt32Setting(MaxBatchKey, 256, 1, 10_000);
        QueueCapacity = configuration.GetInt32Setting(QueueCapacityKey, 8192, 1, 1_000_000);
    }
}
