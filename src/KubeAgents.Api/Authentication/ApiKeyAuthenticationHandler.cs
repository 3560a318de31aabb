using System.Security.Claims;
using System.Text.Encodings.Web;
using KubeAgents.Domain.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace KubeAgents.Api.Authentication;

/// <summary>
/// Authenticates a request by its API key (<see cref="ApiKeyDefaults"/>): the prefix finds the stored
/// key (<see cref="ApiKeyCache"/>), the SHA-256 of the whole key must equal the stored hash (constant
/// time), and a revoked key fails. No key: no result (authorization then answers 401). The key's
/// text goes nowhere: not in claims, logs or messages.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string InvalidKeyMessage = "the API key is not valid (unknown, malformed or revoked)";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey(Request);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (!ApiKeySecret.TryGetPrefix(key, out var prefix))
        {
            return AuthenticateResult.Fail(InvalidKeyMessage);
        }

        var stored = await cache.FindAsync(prefix, Context.RequestAborted).ConfigureAwait(false);
        if (stored is null || !ApiKeySecret.Matches(key, stored.Hash) || stored.Revoked)
        {
            return AuthenticateResult.Fail(InvalidKeyMessage);
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

        return request.Cookies[ApiKeyDefaults.CookieName] is { Length: > 0 } cookie ? cookie : null;
    }
}
