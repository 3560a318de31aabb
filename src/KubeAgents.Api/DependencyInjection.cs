using KubeAgents.Api.Authentication;
using KubeAgents.Api.Configuration;
using KubeAgents.Api.Dashboard;
using KubeAgents.Api.Errors;
using KubeAgents.Api.Events;
using KubeAgents.Api.Json;
using KubeAgents.Api.Mcp;
using KubeAgents.Api.OpenApi;
using KubeAgents.Api.RateLimiting;
using KubeAgents.Api.Routing;
using KubeAgents.Api.Security;
using KubeAgents.Application;
using KubeAgents.Application.Common.Behaviors;
using KubeAgents.Application.Common.Settings;
using KubeAgents.Application.Reports.Commands.ReportStatus;
using KubeAgents.Infrastructure;

namespace KubeAgents.Api;

/// <summary>The composition root: every layer's services, and the HTTP pipeline.</summary>
internal static class DependencyInjection
{
    public static WebApplicationBuilder AddApiServices(this WebApplicationBuilder builder)
    {
        LogOptions.Configure(builder);
        ApiOptions.ConfigureListening(builder);
        ApiOptions.AddCors(builder.Services, builder.Configuration);
        builder.Services.AddApplicationServices();
        builder.Services.AddInfrastructureServices(builder.Configuration);
        // After the store: the bootstrap key is stored once the schema is up to date.
        builder.AddKubeAgentsAuth();
        builder.Services.AddKubeAgentsRateLimit(builder.Configuration);
        builder.Services.AddSingleton<StreamKeyWatch>();

        builder.Services.AddMediator(options =>
        {
            // Handlers take the scoped DbContext.
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.Assemblies = [typeof(ReportStatusCommand)];
            options.PipelineBehaviors = [typeof(TracingBehavior<,>), typeof(ValidationBehavior<,>)];
        });

        builder.Services
            // Validation is the Application's (one pipeline behavior); DataAnnotations only document the contract.
            // Views: the dashboard (Dashboard/, Views/), compiled into the assembly.
            .AddControllersWithViews(options =>
            {
                options.ModelValidatorProviders.Clear();
                options.ModelMetadataDetailsProviders.Add(new NoModelValidation());
                // Enum filters bind to their wire names only, with the contract's 400 otherwise.
                options.ModelBinderProviders.Insert(0, new WireEnumBinderProvider());
                // A JSON body is read as JSON whatever its Content-Type, as the original service did.
                options.Conventions.Add(new ReadBodyAsJsonAttribute.Convention());
            })
            .AddJsonOptions(options => JsonSetup.Configure(options.JsonSerializerOptions));
        builder.Services.ConfigureHttpJsonOptions(options => JsonSetup.Configure(options.SerializerOptions));
        builder.Services.AddApiErrorHandling();
        builder.Services.AddKubeAgentsOpenApi();
        builder.Services.AddKubeAgentsMetrics();
        builder.Services.AddKubeAgentsMcp();
        builder.Services.AddKubeAgentsTracing(builder.Services.AddSettings<TelemetryOptions>(builder.Configuration));
        builder.Services.AddDashboard();
        ShutdownOptions.Configure(builder);
        // Last: authentication and the views each add Data Protection's key-ring loader.
        builder.Services.AddEphemeralDataProtection();
        return builder;
    }

    public static WebApplication UseApi(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseApiErrorHandling();
        app.UseDotSegmentGuard();
        app.UseQueryTextGuard();
        ApiOptions.UseCors(app);
        app.UseDashboardAssets(); // public: the login page needs its stylesheet
        app.UseKubeAgentsRateLimit(); // before authentication: a key is counted before it is looked up
        app.UseKubeAgentsAuthentication();
        app.UseAuthorization();
        app.UseKubeAgentsOpenApi();
        app.MapControllers().WithHeadWhereGet();
        app.MapKubeAgentsMetrics();
        app.MapKubeAgentsMcp();
        return app;
    }
}
