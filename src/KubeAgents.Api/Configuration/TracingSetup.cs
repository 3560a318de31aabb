using KubeAgents.Api.Notifications;
using KubeAgents.Application.Common.Diagnostics;
using KubeAgents.Infrastructure.Persistence;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace KubeAgents.Api.Configuration;

/// <summary>
/// Traces over OTLP, only when an OTLP endpoint is set (<see cref="TelemetryOptions.Tracing"/>):
/// otherwise no tracer provider is built and every span start is a null check. The exporter reads the
/// standard <c>OTEL_*</c> variables itself (protocol, headers, timeout, batch delays). Spans: HTTP in
/// (ASP.NET Core), each mediator request (<c>TracingBehavior</c>), write batches, SQL (the store's own
/// driver, named by <see cref="StoreDefinition.Telemetry"/>; the embedded store's from an EF
/// interceptor), and notification webhooks out (HttpClient).
/// </summary>
internal static class TracingSetup
{
    public static void AddKubeAgentsTracing(this IServiceCollection services, TelemetryOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(settings.ServiceName));
        if (!settings.Tracing)
        {
            return;
        }

        telemetry.WithTracing(tracing => tracing
            .AddSource(KubeAgentsActivitySource.Name)
            // /metrics and the probes would be most of the spans, and none of the interest.
            .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbeOrScrape(context.Request.Path))
            // A route's URL is a credential (Slack, Discord, Teams): spans carry it masked, never whole.
            .AddHttpClientInstrumentation(o => o.EnrichWithHttpRequestMessage = NotificationRouteUrls.MaskInSpan)
            .AddOtlpExporter());
        services.ConfigureOpenTelemetryTracerProvider((provider, tracing) =>
            tracing.AddSource([.. provider.GetRequiredService<StoreDefinition>().Telemetry.ActivitySources]));
    }

    private static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments(MetricsSetup.Path, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);
}
