using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace KubeAgents.Api.Routing;

/// <summary>
/// Binds a route parameter from the raw request target, percent-decoded exactly once, so that an id
/// or topic a client encoded with <c>encodeURIComponent</c> (<c>%2F</c>, <c>%25</c>, <c>+</c>, Unicode)
/// comes back exactly as it was reported. The server's own path decoding leaves <c>%2F</c> encoded
/// while decoding <c>%25</c>, which makes the decoded path ambiguous. The segment is the one at the
/// template's position, which is the one routing matched because <see cref="DotSegmentGuard"/> refuses
/// the only targets whose raw and routed segments differ in number (dot segments).
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class FromPathSegmentAttribute : ModelBinderAttribute
{
    public FromPathSegmentAttribute(string name)
        : base(typeof(RawPathSegmentBinder))
    {
        Name = name;
        BindingSource = BindingSource.Path;
    }
}

internal sealed class RawPathSegmentBinder : IModelBinder
{
    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        ArgumentNullException.ThrowIfNull(bindingContext);
        var raw = RawSegment(bindingContext);
        string? value;
        if (raw is null)
        {
            value = bindingContext.ValueProvider.GetValue(bindingContext.ModelName).FirstValue;
        }
        else if (!PercentDecoding.TryDecodeText(raw, out value))
        {
            bindingContext.ModelState.TryAddModelError(
                bindingContext.ModelName, $"{bindingContext.ModelName} must be percent-encoded UTF-8 text without NUL characters");
            return Task.CompletedTask;
        }

        if (string.IsNullOrEmpty(value))
        {
            bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, $"{bindingContext.ModelName} is required");
            return Task.CompletedTask;
        }

        bindingContext.Result = ModelBindingResult.Success(value);
        return Task.CompletedTask;
    }

    /// <summary>The still-encoded segment at the parameter's position in the raw target, or null without one.</summary>
    private static string? RawSegment(ModelBindingContext bindingContext)
    {
        var template = bindingContext.ActionContext.ActionDescriptor.AttributeRouteInfo?.Template;
        var rawTarget = bindingContext.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (template is null || string.IsNullOrEmpty(rawTarget) || rawTarget[0] != '/')
        {
            return null;
        }

        var index = Array.IndexOf(template.Split('/'), "{" + bindingContext.ModelName + "}");
        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        var segments = rawPath[1..].Split('/');
        return index >= 0 && index < segments.Length ? segments[index] : null;
    }
}
