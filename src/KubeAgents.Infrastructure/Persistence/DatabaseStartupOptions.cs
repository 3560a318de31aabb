using KubeAgents.Application.Common.Settings;
using Microsoft.Extensions.Configuration;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>How long start-up waits for the store.</summary>
public sealed class DatabaseStartupOptions : IServiceSettings
{
    /// <summary>How long start-up waits for PostgreSQL before it gives up (Go duration, default 60s).</summary>
    public const string StartupTimeoutKey = "DB_STARTUP_TIMEOUT";

    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public void Read(IConfiguration configuration) =>
        StartupTimeout = configuration.GetDurationSetting(StartupTimeoutKey, TimeSpan.FromSeconds(60));
}
