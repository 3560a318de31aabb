using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace KubeAgents.Api.Routing;

/// <summary>
/// Reads the body as JSON whatever its Content-Type (none, a form type as <c>curl -d</c> sends, a charset),
/// as the original service did: agents that post with <c>curl -d</c> keep working instead of getting a 415.
/// Every action with a <c>[FromBody]</c> parameter gets it (<see cref="Convention"/>), so no JSON endpoint answers 415.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadBodyAsJsonAttribute : Attribute, IResourceFilter
{
    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.HttpContext.Request.ContentType = "application/json";
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }

    /// <summary>Adds the filter to every action that binds a body.</summary>
    internal sealed class Convention : IActionModelConvention
    {
        public void Apply(ActionModel action)
        {
            ArgumentNullException.ThrowIfNull(action);
            if (action.Parameters.Any(p => p.BindingInfo?.BindingSource == BindingSource.Body))
            {
                action.Filters.Add(new ReadBodyAsJsonAttribute());
            }
        }
    }
}
