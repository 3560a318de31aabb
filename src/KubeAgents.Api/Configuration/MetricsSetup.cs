using System.Diagnostics.Metrics;
using KubeAgents.Api.Authentication;
using KubeAgents.Infrastructure.Diagnostics;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace KubeAgents.Api.Configuration;

/// <summary>
/// Metrics through OpenTelemetry, scraped in the Prometheus text format at <see cref="Path"/>: the
/// service's own instruments (<see cref="KubeAgentsMetrics"/>), ASP.NET Core and HttpClient
/// (notification webhooks), the store's driver (<see cref="StoreDefinition.Telemetry"/>), and the .NET runtime.
/// </summary>
internal static class MetricsSetup
{
    public const string Path = "/metrics";

    public static void AddKubeAgentsMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(KubeAgentsMetrics.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddMeter("System.Runtime")
            // Every scrape collects afresh (the default caches a response for 300 ms).
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        // Meters made by another host's IMeterFactory in the same process (tests, the CLI) are not this
        // service's: without this view every host would export every host's instruments (same names),
        // and past the SDK's limit of 1,000 streams its own would be dropped.
        services.ConfigureOpenTelemetryMeterProvider((provider, builder) =>
        {
            builder.AddMeter([.. provider.GetRequiredService<StoreDefinition>().Telemetry.Meters]);
            var own = provider.GetRequiredService<IMeterFactory>();
            builder.AddView(instrument =>
                instrument.Meter.Scope is { } scope && !ReferenceEquals(scope, own) ? MetricStreamConfiguration.Drop : null);
        });
    }

    /// <summary>
    /// Protected like the <c>read</c> scope (with <c>AUTH_MODE=keys</c>) unless <c>METRICS_PUBLIC=true</c>;
    /// not part of the JSON API, so not in the OpenAPI document.
    /// </summary>
    public static void MapKubeAgentsMetrics(this IEndpointRouteBuilder endpoints)
    {
        var scrape = endpoints.MapPrometheusScrapingEndpoint(Path);
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<AuthOptions>>().Value.MetricsPublic)
        {
            scrape.AllowAnonymous();
        }
        else
        {
            scrape.RequireAuthorization(ApiScopes.Read);
        }
    }
}
