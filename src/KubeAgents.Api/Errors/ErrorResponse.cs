namespace KubeAgents.Api.Errors;

/// <summary>The body of every error: <c>{"error":"bad_request","message":"..."}</c>, as the original service sent it.</summary>
/// <param name="Error">A stable code: bad_request, unauthorized, forbidden, not_found, method_not_allowed, payload_too_large, rate_limited, unavailable, internal_error.</param>
/// <param name="Message">What went wrong, for a person; for bad input it names the field.</param>
public sealed record ErrorResponse(string Error, string Message)
{
    public const string BadRequest = "bad_request";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string PayloadTooLarge = "payload_too_large";
    public const string RateLimited = "rate_limited";
    public const string Unavailable = "unavailable";
    public const string InternalError = "internal_error";
}
