using KubeAgents.Api.Configuration;
using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;

namespace KubeAgents.Api.Errors;

/// <summary>
/// What an exception means to a client: a code of <see cref="ErrorCode"/> and a message. One table for
/// every entry point (HTTP, MCP, the dashboard's pages), so each says what a REST call would answer.
/// </summary>
internal static class ErrorMapping
{
    /// <param name="RetryAfter">The wait a refusal for now names; null: <see cref="ErrorWriter.DefaultRetryAfter"/>.</param>
    /// <param name="ServerStatus">A status the server chose that the table lacks (a body read too slowly: 408), kept as it was.</param>
    internal sealed record Outcome(ErrorCode Code, string Message, TimeSpan? RetryAfter = null, int? ServerStatus = null);

    public static Outcome Map(Exception exception, IStoreFailureClassifier storeFailures) => exception switch
    {
        RequestValidationException invalid => new(ErrorCode.BadRequest, invalid.Message),
        NotFoundException notFound => new(ErrorCode.NotFound, notFound.Message),
        ServiceUnavailableException busy => new(ErrorCode.Unavailable, busy.Message, busy.RetryAfter),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new(
            ErrorCode.PayloadTooLarge, $"the request body must be at most {RequestLimits.MaxBodyBytes} bytes"),
        BadHttpRequestException badRequest => new(ErrorCode.ForStatus(badRequest.StatusCode), badRequest.Message, ServerStatus: badRequest.StatusCode),
        _ when storeFailures.IsUnavailable(exception) => new(ErrorCode.Unavailable, "the database is unavailable; retry later"),
        _ => new(ErrorCode.InternalError, "internal server error"),
    };
}
