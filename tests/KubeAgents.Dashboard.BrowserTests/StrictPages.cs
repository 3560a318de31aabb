using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Dashboard.BrowserTests;

/// <summary>
/// Serves every response with the Content-Security-Policy the service's HTML pages carry (no inline
/// script, no event-handler attribute), so a live update that still works proves the script obeys it.
/// </summary>
public sealed class StrictPages : IStartupFilter
{
    public const string Policy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

    public static void Add(IServiceCollection services) => services.AddTransient<IStartupFilter, StrictPages>();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, following) =>
        {
            context.Response.OnStarting(() =>
            {
                if (context.Response.ContentType?.StartsWith("text/html", StringComparison.Ordinal) == true)
                {
                    context.Response.Headers.ContentSecurityPolicy = Policy;
                }

                return Task.CompletedTask;
            });
            return following(context);
        });
        next(app);
    };
}
