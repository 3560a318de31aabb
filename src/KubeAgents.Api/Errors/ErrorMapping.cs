using KubeAgents.Api.Configuration;
using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;

namespace KubeAgents.Api.Errors;

/// <summary>
/// What an exception means to a client: a status code and the contract's body. One table for every
/// entry point, so an MCP tool error carries the words a REST call would answer.
/// </summary>
internal static class ErrorMapping
{
    public static (int Status, ErrorResponse Body) Map(Exception exception, IStoreFailureClassifier storeFailures) => exception switch
    {
        RequestValidationException invalid => (StatusCodes.Status400BadRequest, new ErrorResponse(ErrorResponse.BadRequest, invalid.Message)),
        NotFoundException notFound => (StatusCodes.Status404NotFound, new ErrorResponse(ErrorResponse.NotFound, notFound.Message)),
        ServiceUnavailableException busy => (StatusCodes.Status503ServiceUnavailable, new ErrorResponse(ErrorResponse.Unavailable, busy.Message)),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, new ErrorResponse(
            ErrorResponse.PayloadTooLarge, $"the request body must be at most {RequestLimits.MaxBodyBytes} bytes")),
        BadHttpRequestException badRequest => (badRequest.StatusCode, new ErrorResponse(ErrorResponse.BadRequest, badRequest.Message)),
        _ when storeFailures.IsUnavailable(exception) => (StatusCodes.Status503ServiceUnavailable, new ErrorResponse(
            ErrorResponse.Unavailable, "the database is unavailable; retry later")),
        _ => (StatusCodes.Status500InternalServerError, new ErrorResponse(ErrorResponse.InternalError, "internal server error")),
    };
}
