using Microsoft.AspNetCore.Routing;

namespace KubeAgents.Api.Security;

/// <summary>
/// Hardening headers, set as each response starts, whoever wrote it (a controller, the error handler,
/// authorization's refusals, the rate limiter): <c>X-Content-Type-Options: nosniff</c> on every
/// response; on HTML pages (dashboard, login, problem pages) a Content-Security-Policy without
/// inline scripts, <c>X-Frame-Options: DENY</c> and <c>Referrer-Policy: same-origin</c>;
/// <c>Cache-Control: no-store</c> wherever a secret may be in the answer (<c>/api/keys</c>, <c>/login</c>).
/// Swagger UI at <c>/swagger</c> is NSwag's page with inline scripts: it gets its own policy, the
/// pages' one plus <c>'unsafe-inline'</c> for scripts, and nothing else of ours loads there.
/// </summary>
internal static class SecurityHeaders
{
    public const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public const string SwaggerPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>First in the pipeline, so every answer carries them.</summary>
    public static void UseSecurityHeaders(this WebApplication app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state => Apply((HttpContext)state), context);
            return next(context);
        });

    /// <summary>HEAD wherever GET is allowed: Kestrel sends a HEAD answer's headers and drops its body.</summary>
    public static TBuilder WithHeadWhereGet<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<HttpMethodMetadata>().LastOrDefault() is { } methods
                && methods.HttpMethods.Contains(HttpMethods.Get, StringComparer.OrdinalIgnoreCase)
                && !methods.HttpMethods.Contains(HttpMethods.Head, StringComparer.OrdinalIgnoreCase))
            {
                endpoint.Metadata.Add(new HttpMethodMetadata([.. methods.HttpMethods, HttpMethods.Head], methods.AcceptCorsPreflight));
            }
        });
        return builder;
    }

    private static Task Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api/keys", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/login", StringComparison.OrdinalIgnoreCase))
        {
            headers.CacheControl = "no-store";
        }

        if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            headers.ContentSecurityPolicy = path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase) ? SwaggerPolicy : PagePolicy;
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
        }

        return Task.CompletedTask;
    }
}
