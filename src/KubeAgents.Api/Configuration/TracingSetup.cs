using KubeAgents.Api.Notifications;
using KubeAgents.Application.Common.Diagnostics;
using KubeAgents.Infrastructure.Configuration;
using Npgsql;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace KubeAgents.Api.Configuration;

/// <summary>
/// Traces over OTLP, only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or its traces-only variant) is set:
/// otherwise no tracer provider is built and every span start is a null check. The exporter reads the
/// standard <c>OTEL_*</c> variables itself (protocol, headers, timeout, batch delays). Spans: HTTP in
/// (ASP.NET Core), each mediator request (<c>TracingBehavior</c>), write batches, SQL (Npgsql's own;
/// the embedded store's from an EF interceptor), and notification webhooks out (HttpClient).
/// <c>OTEL_SERVICE_NAME</c> (default <c>kubeagents</c>) names the service in traces and metrics alike.
/// </summary>
internal static class TracingSetup
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string TracesEndpointKey = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";
    public const string DefaultServiceName = "kubeagents";

    public static void AddKubeAgentsTracing(this IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration.GetSetting(ServiceNameKey) ?? DefaultServiceName));
        if (configuration.GetSetting(EndpointKey) is null && configuration.GetSetting(TracesEndpointKey) is null)
        {
            return;
        }

        telemetry.WithTracing(tracing => tracing
            .AddSource(KubeAgentsActivitySource.Name)
            // /metrics and the probes would be most of the spans, and none of the interest.
            .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbeOrScrape(context.Request.Path))
            // A route's URL is a credential (Slack, Discord, Teams): spans carry it masked, never whole.
            .AddHttpClientInstrumentation(o => o.EnrichWithHttpRequestMessage = NotificationRouteUrls.MaskInSpan)
            .AddNpgsql()
            .AddOtlpExporter());
    }

    private static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments(MetricsSetup.Path, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);
}
