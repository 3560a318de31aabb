namespace KubeAgents.Api.Errors;

/// <summary>
/// Every error code of the contract and the HTTP status it answers with: the one table. A new code is a
/// line here, a line in docs/api.md's error table and the place that raises it (<c>ErrorCodeTests</c>
/// checks the first two agree, and that the OpenAPI document's error schema names it).
/// </summary>
internal sealed class ErrorCode
{
    public static readonly ErrorCode BadRequest = new("bad_request", StatusCodes.Status400BadRequest);
    public static readonly ErrorCode Unauthorized = new("unauthorized", StatusCodes.Status401Unauthorized);
    public static readonly ErrorCode Forbidden = new("forbidden", StatusCodes.Status403Forbidden);
    public static readonly ErrorCode NotFound = new("not_found", StatusCodes.Status404NotFound);
    public static readonly ErrorCode MethodNotAllowed = new("method_not_allowed", StatusCodes.Status405MethodNotAllowed);
    public static readonly ErrorCode PayloadTooLarge = new("payload_too_large", StatusCodes.Status413PayloadTooLarge);
    public static readonly ErrorCode UnsupportedMediaType = new("unsupported_media_type", StatusCodes.Status415UnsupportedMediaType);
    public static readonly ErrorCode RateLimited = new("rate_limited", StatusCodes.Status429TooManyRequests);
    public static readonly ErrorCode InternalError = new("internal_error", StatusCodes.Status500InternalServerError);
    public static readonly ErrorCode Unavailable = new("unavailable", StatusCodes.Status503ServiceUnavailable);

    /// <summary>All of them, in status order (declared after the codes: static fields initialise in order).</summary>
    public static IReadOnlyList<ErrorCode> All { get; } =
        [BadRequest, Unauthorized, Forbidden, NotFound, MethodNotAllowed, PayloadTooLarge, UnsupportedMediaType, RateLimited, InternalError, Unavailable];

    private ErrorCode(string name, int status) => (Name, Status) = (name, status);

    /// <summary>The code as the body's <c>error</c> member carries it.</summary>
    public string Name { get; }

    public int Status { get; }

    /// <summary>A refusal for now (429, 503): the answer carries <c>Retry-After</c>.</summary>
    public bool AsksToRetryLater => Status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable;

    /// <summary>
    /// The code for a status no endpoint wrote a body for (an unknown route, a wrong method, a content type
    /// the MCP endpoint refuses); a status the table lacks keeps its status with the code of its class.
    /// </summary>
    public static ErrorCode ForStatus(int status) =>
        All.FirstOrDefault(c => c.Status == status) ?? (status >= StatusCodes.Status500InternalServerError ? InternalError : BadRequest);

    public override string ToString() => Name;
}
