using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Mvc.Filters;

namespace KubeAgents.Api.Dashboard;

/// <summary>
/// <c>Server-Timing: app;dur=12.3</c> (W3C Server Timing) on the dashboard's pages: milliseconds from
/// the start of the action to the moment the response starts. MVC renders a view whole into its buffer
/// before the first byte is written, so that is the query plus the view rendered. Only on these pages:
/// the API's hot paths pay nothing.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ServerTimingAttribute : Attribute, IAsyncResourceFilter
{
    public const string HeaderName = "Server-Timing";

    public Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var start = Stopwatch.GetTimestamp();
        var response = context.HttpContext.Response;
        response.OnStarting(() =>
        {
            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            response.Headers[HeaderName] = string.Create(CultureInfo.InvariantCulture, $"app;dur={ms:0.0}");
            return Task.CompletedTask;
        });
        return next();
    }
}
