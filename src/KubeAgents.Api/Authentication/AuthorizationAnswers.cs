using KubeAgents.Api.Dashboard;
using KubeAgents.Api.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace KubeAgents.Api.Authentication;

/// <summary>
/// A refused request answers in the contract's error shape: 401 <c>unauthorized</c> with
/// <c>WWW-Authenticate: Bearer</c> (no key) or <c>Bearer error="invalid_token"</c> (a key that is not
/// valid), 403 <c>forbidden</c> naming the scope the key lacks. In open mode the only refusal is an
/// admin endpoint's (<see cref="ScopeRequirementHandler"/>): 403 naming <c>AUTH_MODE=keys</c>, for
/// every admin endpoint alike, whatever controller declares it.
/// </summary>
internal sealed class AuthorizationAnswers(IOptions<AuthOptions> options) : IAuthorizationMiddlewareResultHandler
{
    public const string MissingKeyMessage = "an API key is required: send Authorization: Bearer <key> or X-API-Key: <key>";

    public const string OpenModeAdminMessage =
        "administration needs AUTH_MODE=keys and a key with the 'admin' scope: in open mode nobody administers; see docs/security.md";

    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (options.Value.Mode == AuthMode.Open && (authorizeResult.Challenged || authorizeResult.Forbidden))
        {
            await ErrorWriter.WriteAsync(context, ErrorCode.Forbidden, OpenModeAdminMessage).ConfigureAwait(false);
            return;
        }

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
            // ErrorWriter adds WWW-Authenticate, naming invalid_token when the key sent is not valid.
            var message = InvalidKeyFeature.IsSetOn(context) ? ApiKeyAuthenticationHandler.InvalidKeyMessage : MissingKeyMessage;
            await ErrorWriter.WriteAsync(context, ErrorCode.Unauthorized, message).ConfigureAwait(false);
            return;
        }

        if (authorizeResult.Forbidden)
        {
            var lacking = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().FirstOrDefault();
            await ErrorWriter.WriteAsync(context, ErrorCode.Forbidden,
                lacking is null ? "this key may not use this endpoint" : $"this key lacks the '{lacking.ScopeName}' scope").ConfigureAwait(false);
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
    }
}
