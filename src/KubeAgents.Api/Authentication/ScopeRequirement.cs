using KubeAgents.Domain.ApiKeys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace KubeAgents.Api.Authentication;

/// <summary>
/// The request's key must hold <see cref="Scope"/>. With <c>AUTH_MODE=open</c> report and read are
/// always met (the original service's behaviour) and admin never is: keys and routes are made only
/// by someone who already holds an admin key, so open mode administers nothing.
/// </summary>
internal sealed class ScopeRequirement(ApiScope scope) : IAuthorizationRequirement
{
    public ApiScope Scope { get; } = scope;

    public string ScopeName => ApiScopeNames.Name(Scope);
}

internal sealed class ScopeRequirementHandler(IOptions<AuthOptions> options) : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var met = options.Value.Mode == AuthMode.Open
            ? requirement.Scope != ApiScope.Admin
            : context.User.HasClaim(ApiScopes.ScopeClaim, requirement.ScopeName);
        if (met)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
