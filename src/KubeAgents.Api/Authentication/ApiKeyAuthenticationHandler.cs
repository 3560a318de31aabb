using System.Security.Claims;
using System.Text.Encodings.Web;
using KubeAgents.Api.RateLimiting;
using KubeAgents.Domain.ApiKeys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace KubeAgents.Api.Authentication;

/// <summary>
/// Authenticates a request by its API key (<see cref="ApiKeyDefaults"/>): the prefix finds the stored
/// key (<see cref="ApiKeyCache"/>), the SHA-256 of the whole key must equal the stored hash (constant
/// time), and a revoked key fails. No key: no result (authorization then answers 401). A key that is
/// not accepted: no result either, with <see cref="InvalidKeyFeature"/> set (401 <c>invalid_token</c>)
/// and a Debug line, plus one Warning per address per minute (<see cref="RejectedKeyLog"/>). The key's
/// text goes nowhere: not in claims, logs or messages. Nothing is looked up where no key is needed
/// (open mode, the probes); the rate limiter has counted the key before this runs, so made-up keys
/// cannot buy lookups beyond their address's unverified budget.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyCache cache,
    RejectedKeyLog rejected,
    IOptions<AuthOptions> auth)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string InvalidKeyMessage = "the API key is not valid (unknown, malformed or revoked)";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (auth.Value.Mode == AuthMode.Open || Context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return AuthenticateResult.NoResult();
        }

        var key = ReadKey(Request);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (!ApiKeySecret.TryGetPrefix(key, out var prefix))
        {
            return Reject(null);
        }

        if (await cache.VerifyAsync(key, prefix, Context.RequestAborted).ConfigureAwait(false) is not { } stored)
        {
            return Reject(prefix);
        }

        cache.RecordUse(prefix);
        var claims = new List<Claim>(4)
        {
            new(ClaimTypes.Name, stored.Name),
            new(ApiScopes.KeyPrefixClaim, prefix),
        };
        claims.AddRange(ApiScopeNames.Names(stored.Scopes).Select(scope => new Claim(ApiScopes.ScopeClaim, scope)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, ApiKeyDefaults.Scheme));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, ApiKeyDefaults.Scheme));
    }

    private AuthenticateResult Reject(string? prefix)
    {
        Context.Features.Set(InvalidKeyFeature.Instance);
        rejected.Record(RequestRateLimiter.AddressOf(Context), prefix);
        return AuthenticateResult.NoResult();
    }

    /// <summary>The key, from the first place that has one; an empty or non-bearer Authorization header counts as none there.</summary>
    internal static string? ReadKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7)
        {
            return authorization[7..].Trim();
        }

        if (request.Headers[ApiKeyDefaults.HeaderName].ToString() is { Length: > 0 } header)
        {
            return header.Trim();
        }

        // The dashboard's cookie reads only: a browser sends it with requests other sites start, so it
        // must never carry a write (a text/plain form POST to /webhook/status needs no preflight).
        return (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && request.Cookies[ApiKeyDefaults.CookieName] is { Length: > 0 } cookie ? cookie : null;
    }
}
