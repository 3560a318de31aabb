using FluentValidation;
using KubeAgents.Api.Configuration;
using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.AspNetCore.Diagnostics;

namespace KubeAgents.Api.Errors;

/// <summary>The one place where exceptions become HTTP answers. Nothing internal reaches the body.</summary>
internal sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, body) = exception switch
        {
            ValidationException validation => (StatusCodes.Status400BadRequest, new ErrorResponse(
                ErrorResponse.BadRequest,
                string.Join("; ", validation.Errors.Select(e => e.ErrorMessage).Distinct()))),
            NotFoundException notFound => (StatusCodes.Status404NotFound, new ErrorResponse(ErrorResponse.NotFound, notFound.Message)),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, new ErrorResponse(
                ErrorResponse.PayloadTooLarge, $"the request body must be at most {RequestLimits.MaxBodyBytes} bytes")),
            BadHttpRequestException badRequest => (badRequest.StatusCode, new ErrorResponse(ErrorResponse.BadRequest, badRequest.Message)),
            _ when DatabaseFailures.IsUnavailable(exception) => (StatusCodes.Status503ServiceUnavailable, new ErrorResponse(
                ErrorResponse.Unavailable, "the database is unavailable; retry later")),
            _ => (StatusCodes.Status500InternalServerError, new ErrorResponse(ErrorResponse.InternalError, "internal server error")),
        };

        if (status >= StatusCodes.Status500InternalServerError)
        {
            LogServerError(exception, httpContext.Request.Method, httpContext.Request.Path, status);
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "5";
        }

        httpContext.Response.StatusCode = status;
        await httpContext.Response.WriteAsJsonAsync(body, cancellationToken).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed with {Status}")]
    private partial void LogServerError(Exception exception, string method, string path, int status);
}
