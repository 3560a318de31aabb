using KubeAgents.Application.Common.Settings;
using Microsoft.Extensions.Configuration;

namespace KubeAgents.Infrastructure.Sessions;

public sealed class SessionSweepOptions : IServiceSettings
{
    public const string IntervalKey = "SESSION_SWEEP_INTERVAL_SECONDS";

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(60);

    public void Read(IConfiguration configuration) =>
        Interval = TimeSpan.FromSeconds(configuration.GetInt32Setting(IntervalKey, 60, 1, 86_400));
}
