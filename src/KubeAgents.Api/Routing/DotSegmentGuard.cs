using KubeAgents.Api.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace KubeAgents.Api.Routing;

/// <summary>
/// Refuses a request target with a dot segment (<c>.</c> or <c>..</c>, percent-encoded or not) before
/// routing. The server removes dot segments before it routes, while <see cref="RawPathSegmentBinder"/>
/// reads the raw target: left alone, <c>/api/agents/victim/../attacker/status</c> would be routed as
/// the attacker's and answered with the victim's status. Refusing them keeps the raw segments and the
/// routed ones the same list, so a path means one thing to a proxy, the router and the handler.
/// </summary>
internal static class DotSegmentGuard
{
    public static IApplicationBuilder UseDotSegmentGuard(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
            if (HasDotSegment(rawTarget))
            {
                await ErrorWriter.WriteAsync(
                    context,
                    ErrorCode.BadRequest,
                    "the request path must not contain a dot segment ('.' or '..', encoded or not)").ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });

    internal static bool HasDotSegment(string? rawTarget)
    {
        var path = PathOf(rawTarget);
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length is > 0 and <= 6 && Uri.UnescapeDataString(segment) is "." or "..")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The path of an origin-form (<c>/a/b?q</c>) or absolute-form (<c>http://h/a/b?q</c>) target.</summary>
    private static string PathOf(string? rawTarget)
    {
        if (string.IsNullOrEmpty(rawTarget))
        {
            return string.Empty;
        }

        var path = rawTarget;
        var scheme = path.IndexOf("://", StringComparison.Ordinal);
        if (path[0] != '/' && scheme > 0)
        {
            var slash = path.IndexOf('/', scheme + 3);
            path = slash < 0 ? string.Empty : path[slash..];
        }

        var end = path.IndexOfAny(['?', '#']);
        return end < 0 ? path : path[..end];
    }
}
