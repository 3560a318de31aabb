using KubeAgents.Application.Common.Settings;

namespace KubeAgents.Api.Configuration;

/// <summary>
/// The <c>OTEL_*</c> settings the service itself reads: <c>OTEL_SERVICE_NAME</c> (default
/// <c>kubeagents</c>) names the service in traces and metrics; <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or
/// <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>, set, turns tracing on. The OTLP exporter reads the other
/// standard <c>OTEL_EXPORTER_OTLP_*</c> variables (protocol, headers, timeout) and the endpoints' values
/// itself, as the OpenTelemetry SDK defines them.
/// </summary>
internal sealed class TelemetryOptions : IServiceSettings
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string TracesEndpointKey = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";
    public const string DefaultServiceName = "kubeagents";

    public string ServiceName { get; set; } = DefaultServiceName;

    /// <summary>True when an OTLP endpoint for traces is set; otherwise no tracer provider is built.</summary>
    public bool Tracing { get; set; }

    public void Read(IConfiguration configuration)
    {
        ServiceName = configuration.GetSetting(ServiceNameKey) ?? DefaultServiceName;
        Tracing = configuration.GetSetting(EndpointKey) is not null || configuration.GetSetting(TracesEndpointKey) is not null;
    }
}
