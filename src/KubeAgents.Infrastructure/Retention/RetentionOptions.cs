using KubeAgents.Application.Common.Settings;
using Microsoft.Extensions.Configuration;

namespace KubeAgents.Infrastructure.Retention;

/// <summary><c>HISTORY_RETENTION_DAYS</c>: how long history is kept; unset keeps everything.</summary>
public sealed class RetentionOptions : IServiceSettings
{
    public const string DaysKey = "HISTORY_RETENTION_DAYS";

    /// <summary>How often the retention job runs.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>The first run's delay after start: out of start-up's way, yet before a short-lived pod stops.</summary>
    public static readonly TimeSpan FirstRunDelay = TimeSpan.FromMinutes(1);

    /// <summary>Null: retention is off, everything is kept.</summary>
    public int? Days { get; set; }

    public bool Enabled => Days is not null;

    public TimeSpan Period => TimeSpan.FromDays(Days ?? 0);

    public void Read(IConfiguration configuration) =>
        Days = configuration.GetSetting(DaysKey) is { } text ? SettingsReader.ParseInt32(DaysKey, text, 1, 36_500) : null;
}
