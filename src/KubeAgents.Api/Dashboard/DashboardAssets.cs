using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.WebEncoders;

namespace KubeAgents.Api.Dashboard;

/// <summary>Serves the dashboard's stylesheet and script from the assembly at <see cref="Path"/>; they work offline.</summary>
internal static class DashboardAssets
{
    public const string Path = "/assets";

    /// <summary>
    /// Pages write text as UTF-8, escaping only what HTML needs (&lt;, &amp;, quotes): the default
    /// encoder writes every non-ASCII character as an 8-byte entity, which triples a page of CJK names.
    /// </summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services) =>
        services.Configure<WebEncoderOptions>(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));

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
