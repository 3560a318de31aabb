using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace KubeAgents.Api.Errors;

/// <summary>
/// Wires every error answer to <see cref="ErrorWriter"/>: exceptions (<see cref="ApiExceptionHandler"/>),
/// requests that do not bind (<see cref="InvalidRequestResponse"/>), and status codes no endpoint wrote a
/// body for (unknown routes, wrong methods, and MVC's own client errors, which would otherwise be
/// ProblemDetails).
/// </summary>
internal static class ErrorHandling
{
    public static IServiceCollection AddApiErrorHandling(this IServiceCollection services)
    {
        services.AddSingleton<ErrorLog>();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddProblemDetails();
        services.Configure<ApiBehaviorOptions>(options =>
        {
            options.InvalidModelStateResponseFactory = InvalidRequestResponse.Create;
            options.SuppressMapClientErrors = true; // a bodiless 4xx from MVC gets the contract's body below, not ProblemDetails
        });
        return services;
    }

    /// <summary>First in the pipeline, so every later middleware's failures are mapped too.</summary>
    public static WebApplication UseApiErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(context => ErrorWriter.WriteForStatusAsync(context.HttpContext));
        return app;
    }
}

/// <summary>Where exceptions become HTTP answers. Nothing internal reaches the body.</summary>
internal sealed class ApiExceptionHandler(ErrorLog log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var request = httpContext.Request;
        await ErrorWriter.WriteAsync(httpContext, log.Record(exception, $"{request.Method} {request.Path}")).ConfigureAwait(false);
        return true;
    }
}
