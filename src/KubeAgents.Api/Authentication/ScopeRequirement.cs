using KubeAgents.Domain.ApiKeys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace KubeAgents.Api.Authentication;

/// <summary>The request's key must hold <see cref="Scope"/>; with <c>AUTH_MODE=open</c> it is always met.</summary>
internal sealed class ScopeRequirement(ApiScope scope) : IAuthorizationRequirement
{
    public ApiScope Scope { get; } = scope;

    public string ScopeName => ApiScopeNames.Name(Scope);
}

internal sealed class ScopeRequirementHandler(IOptions<AuthOptions> options) : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (options.Value.Mode == AuthMode.Open || context.User.HasClaim(ApiScopes.ScopeClaim, requirement.ScopeName))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
