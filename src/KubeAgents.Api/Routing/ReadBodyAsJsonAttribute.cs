using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Net.Http.Headers;

namespace KubeAgents.Api.Routing;

/// <summary>
/// Reads the body as JSON whatever its Content-Type, as the original service did: agents that post
/// with <c>curl -d</c> (form content type) or none at all keep working instead of getting a 415.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadBodyAsJsonAttribute : Attribute, IResourceFilter
{
    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.HttpContext.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) ||
            !mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            request.ContentType = "application/json";
        }
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
