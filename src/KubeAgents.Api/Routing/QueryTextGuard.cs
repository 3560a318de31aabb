using KubeAgents.Api.Errors;

namespace KubeAgents.Api.Routing;

/// <summary>
/// Refuses, with a 400 naming the parameter, a query string whose names or values are not UTF-8 text
/// or hold NUL, on every endpoint. Checked on the raw (still encoded) query, before the framework's
/// decoding turns invalid escapes into literal text.
/// </summary>
internal static class QueryTextGuard
{
    public static IApplicationBuilder UseQueryTextGuard(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (FirstInvalidParameter(context.Request.QueryString.Value) is { } parameter)
            {
                await ErrorWriter.WriteAsync(
                    context,
                    ErrorCode.BadRequest,
                    $"query parameter {parameter} must be UTF-8 text without NUL characters").ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });

    /// <summary>The name of the first parameter whose name or value is not text, quoted for a message; null when all are.</summary>
    internal static string? FirstInvalidParameter(string? query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return null;
        }

        foreach (var pair in query.TrimStart('?').Split('&'))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var rawName = separator < 0 ? pair : pair[..separator];
            var nameIsText = PercentDecoding.TryDecodeText(rawName.Replace('+', ' '), out var name);
            if (!nameIsText || (separator >= 0 && !PercentDecoding.TryDecodeText(pair[(separator + 1)..], out _)))
            {
                return nameIsText ? $"'{name}'" : $"(raw name '{rawName}')";
            }
        }

        return null;
    }
}
