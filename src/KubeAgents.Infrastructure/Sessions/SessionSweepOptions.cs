namespace KubeAgents.Infrastructure.Sessions;

public sealed class SessionSweepOptions
{
    public const string IntervalKey = "SESSION_SWEEP_INTERVAL_SECONDS";

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(60);
}
