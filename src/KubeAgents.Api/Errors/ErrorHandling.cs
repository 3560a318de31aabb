using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace KubeAgents.Api.Errors;

/// <summary>
/// Every error answer in one place, all in the contract's <c>{"error","message"}</c> shape: exceptions
/// (<see cref="ApiExceptionHandler"/>), requests that do not bind (<see cref="InvalidRequestResponse"/>),
/// and status codes no endpoint wrote a body for (unknown routes, wrong methods).
/// </summary>
internal static class ErrorHandling
{
    public static IServiceCollection AddApiErrorHandling(this IServiceCollection services)
    {
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddProblemDetails();
        services.Configure<ApiBehaviorOptions>(options => options.InvalidModelStateResponseFactory = InvalidRequestResponse.Create);
        return services;
    }

    /// <summary>First in the pipeline, so every later middleware's failures are mapped too.</summary>
    public static WebApplication UseApiErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(context => WriteStatusCodeAsync(context.HttpContext.Response));
        return app;
    }

    private static Task WriteStatusCodeAsync(HttpResponse response) => response.WriteAsJsonAsync(response.StatusCode switch
    {
        StatusCodes.Status404NotFound => new ErrorResponse(ErrorResponse.NotFound, "no such endpoint"),
        StatusCodes.Status405MethodNotAllowed => new ErrorResponse(ErrorResponse.MethodNotAllowed, "method not allowed"),
        _ => new ErrorResponse(ErrorResponse.BadRequest, "bad request"),
    });
}
