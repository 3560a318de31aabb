using KubeAgents.Api.Dashboard;
using KubeAgents.Api.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace KubeAgents.Api.Authentication;

/// <summary>
/// A refused request answers in the contract's error shape: 401 <c>unauthorized</c> with
/// <c>WWW-Authenticate: Bearer</c> (no key, or a key that is not valid), 403 <c>forbidden</c> naming
/// the scope the key lacks.
/// </summary>
internal sealed class AuthorizationAnswers : IAuthorizationMiddlewareResultHandler
{
    public const string MissingKeyMessage = "an API key is required: send Authorization: Bearer <key> or X-API-Key: <key>";

    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if ((authorizeResult.Challenged || authorizeResult.Forbidden)
            && context.GetEndpoint()?.Metadata.GetMetadata<DashboardPagesAttribute>() is not null)
        {
            // A person at a browser: the login page asks for a read key, then brings them back.
            var back = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
            var login = QueryHelpers.AddQueryString("/login", "returnUrl", back);
            context.Response.Redirect(authorizeResult.Forbidden ? QueryHelpers.AddQueryString(login, "refused", "scope") : login);
            return;
        }

        if (authorizeResult.Challenged)
        {
            var failure = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Failure;
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers[HeaderNames.WWWAuthenticate] = failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
            await context.Response.WriteAsJsonAsync(new ErrorResponse(ErrorResponse.Unauthorized,
                failure is null ? MissingKeyMessage : ApiKeyAuthenticationHandler.InvalidKeyMessage)).ConfigureAwait(false);
            return;
        }

        if (authorizeResult.Forbidden)
        {
            var lacking = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().FirstOrDefault();
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsJsonAsync(new ErrorResponse(ErrorResponse.Forbidden,
                lacking is null ? "this key may not use this endpoint" : $"this key lacks the '{lacking.ScopeName}' scope")).ConfigureAwait(false);
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
    }
}
