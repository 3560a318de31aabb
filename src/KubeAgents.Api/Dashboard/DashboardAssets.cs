using Microsoft.Extensions.FileProviders;

namespace KubeAgents.Api.Dashboard;

/// <summary>Serves the dashboard's stylesheet and script from the assembly at <see cref="Path"/>; they work offline.</summary>
internal static class DashboardAssets
{
    public const string Path = "/assets";

    public static WebApplication UseDashboardAssets(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = Path,
            FileProvider = new EmbeddedFileProvider(typeof(DashboardAssets).Assembly, "KubeAgents.Api.Dashboard.assets"),
            // Small and versioned with the service: revalidate rather than pin a stale copy after an upgrade.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }
}
