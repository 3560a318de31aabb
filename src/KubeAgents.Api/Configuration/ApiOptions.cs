using KubeAgents.Api.Routing;
using KubeAgents.Application.Common.Settings;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace KubeAgents.Api.Configuration;

/// <summary>The HTTP-facing settings of the original service: <c>PORT</c> and <c>CORS_ALLOWED_ORIGINS</c>.</summary>
internal sealed class ApiOptions : IServiceSettings
{
    public const string PortKey = "PORT";
    public const string CorsOriginsKey = "CORS_ALLOWED_ORIGINS";
    public const int DefaultPort = 8080;

    /// <summary>How long a browser may keep a preflight's answer (<c>Access-Control-Max-Age</c>), as the original.</summary>
    public static readonly TimeSpan PreflightMaxAge = TimeSpan.FromSeconds(300);

    /// <summary><c>PORT</c>, or null when unset.</summary>
    public int? Port { get; set; }

    /// <summary>The allowed origins; null allows any (<c>*</c>, the default).</summary>
    public IReadOnlyList<string>? CorsOrigins { get; set; }

    /// <summary>True when ASP.NET's own <c>--urls</c>/<c>ASPNETCORE_URLS</c>/<c>HTTP_PORTS</c> choose the addresses (and <c>PORT</c> is unset).</summary>
    public bool AspNetUrls { get; set; }

    public void Read(IConfiguration configuration)
    {
        Port = configuration.GetSetting(PortKey) is { } port ? SettingsReader.ParseInt32(PortKey, port, 1, 65535) : null;
        AspNetUrls = Port is null && (configuration.GetSetting("urls") is not null || configuration.GetSetting("http_ports") is not null);
        CorsOrigins = ParseOrigins(configuration.GetSetting(CorsOriginsKey) ?? "*");
    }

    /// <summary>
    /// Bodies are capped at <see cref="RequestLimits.MaxBodyBytes"/>; Kestrel's own refusals get the JSON body (<see cref="KestrelRejectionBody"/>). <c>PORT</c> wins when set; otherwise ASP.NET's own <c>--urls</c>/<c>ASPNETCORE_URLS</c>/<c>HTTP_PORTS</c>
    /// apply, and with none of them the service listens on 8080. Read at once: the URLs are fixed before the host is built.
    /// </summary>
    public static void ConfigureListening(WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes;
            KestrelRejectionBody.Configure(kestrel);
        });
        var settings = builder.Services.AddSettings<ApiOptions>(builder.Configuration);
        if (settings.Port is { } port)
        {
            builder.WebHost.UseUrls($"http://*:{port}");
        }
        else if (!settings.AspNetUrls)
        {
            builder.WebHost.UseUrls($"http://*:{DefaultPort}");
        }
    }

    /// <summary>
    /// <c>*</c> (the default) allows any origin without credentials; a comma list allows those origins,
    /// echoes the matching one and allows credentials (cookies, Authorization).
    /// </summary>
    public static void AddCors(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<ApiOptions>(configuration);
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<ApiOptions>>((cors, api) => cors.AddDefaultPolicy(policy =>
        {
            if (api.Value.CorsOrigins is { } origins)
            {
                // As the original answered: a credentialed fetch from a listed origin works, and the answer
                // varies by origin. A predicate, not WithOrigins: with one origin ASP.NET Core would omit
                // Vary: Origin, and a shared cache could hand one origin's answer to another.
                var allowed = origins.ToHashSet(StringComparer.OrdinalIgnoreCase);
                policy.SetIsOriginAllowed(allowed.Contains).AllowCredentials();
            }
            else
            {
                policy.AllowAnyOrigin();
            }

            policy.AllowAnyHeader().AllowAnyMethod().SetPreflightMaxAge(PreflightMaxAge);
        }));
    }

    /// <summary>
    /// CORS with the policy above. With listed origins every answer says <c>Vary: Origin</c>, also to a
    /// request from an origin not listed or from none: what it holds depends on the origin, so a shared
    /// cache must not hand it to another.
    /// </summary>
    public static void UseCors(WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.CorsOrigins is not null)
        {
            app.Use((context, next) =>
            {
                context.Response.OnStarting(static state =>
                {
                    var headers = ((HttpResponse)state).Headers;
                    if (!headers.Vary.Any(v => v is not null && v.Contains(HeaderNames.Origin, StringComparison.OrdinalIgnoreCase)))
                    {
                        headers.Append(HeaderNames.Vary, HeaderNames.Origin);
                    }

                    return Task.CompletedTask;
                }, context.Response);
                return next(context);
            });
        }

        app.UseCors();
    }

    /// <returns>null for any origin, else the validated list.</returns>
    internal static string[]? ParseOrigins(string value)
    {
        var items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (items.Contains("*"))
        {
            return items.Length == 1
                ? null
                : throw new InvalidConfigurationException($"{CorsOriginsKey} must be either * or a list of origins, not both.");
        }

        if (items.Length == 0)
        {
            throw new InvalidConfigurationException($"{CorsOriginsKey} must be * or a comma-separated list of origins.");
        }

        foreach (var origin in items)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") ||
                uri.PathAndQuery != "/" || origin.EndsWith('/'))
            {
                throw new InvalidConfigurationException(
                    $"{CorsOriginsKey} has '{origin}', which is not an origin such as https://app.example.com or http://localhost:3000.");
            }
        }

        return items;
    }
}
