namespace KubeAgents.Api.Errors;

/// <summary>The body of every error: <c>{"error":"bad_request","message":"..."}</c>, as the original service sent it.</summary>
/// <param name="Error">A stable code: bad_request, unauthorized, forbidden, not_found, method_not_allowed, payload_too_large, unsupported_media_type, rate_limited, internal_error, unavailable.</param>
/// <param name="Message">What went wrong, for a person; for bad input it names the field.</param>
/// <remarks>Made only by <see cref="ErrorWriter.Body"/>, from a code of <see cref="ErrorCode"/>.</remarks>
public sealed record ErrorResponse(string Error, string Message);
