using KubeAgents.Application.Common.Settings;

namespace KubeAgents.Api.Configuration;

/// <summary>
/// <c>SHUTDOWN_DRAIN_SECONDS</c> (default 0): on SIGTERM, how long the service keeps serving with
/// <c>/health/ready</c> answering 503 before it stops listening, so a load balancer takes it out of
/// rotation first. The shutdown timeout (in-flight requests, queued reports) comes on top.
/// </summary>
internal sealed class ShutdownOptions : IServiceSettings
{
    public const string DrainKey = "SHUTDOWN_DRAIN_SECONDS";

    /// <summary>What in-flight requests and queued reports get once the service stops listening.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    public TimeSpan Drain { get; set; }

    public void Read(IConfiguration configuration) =>
        Drain = TimeSpan.FromSeconds(configuration.GetInt32Setting(DrainKey, 0, 0, 60));

    public static void Configure(WebApplicationBuilder builder)
    {
        var drain = builder.Services.AddSettings<ShutdownOptions>(builder.Configuration).Drain;
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = drain + StopTimeout);
        builder.Services.AddHostedService<ShutdownDrain>();
    }
}

/// <summary>
/// Holds the host in its stopping phase for <see cref="ShutdownOptions.Drain"/>: the application is
/// already stopping (readiness answers 503) but the server still listens, until it stops. Only a host
/// that finished starting drains: a start that failed part-way (<c>HostRun</c> stops it) has no
/// traffic to hand over, and its exit should not wait.
/// </summary>
internal sealed class ShutdownDrain(Microsoft.Extensions.Options.IOptions<ShutdownOptions> options, TimeProvider time) : IHostedLifecycleService
{
    private readonly Lock _lock = new();
    private Task? _drain;
    private volatile bool _started;

    /// <summary>Drains once, however many times the host is asked to stop.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _drain ??= _started && options.Value.Drain > TimeSpan.Zero ? Task.Delay(options.Value.Drain, time, cancellationToken) : Task.CompletedTask;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _started = true;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
