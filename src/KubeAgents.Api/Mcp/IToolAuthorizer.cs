using System.Security.Claims;
using KubeAgents.Api.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace KubeAgents.Api.Mcp;

/// <summary>Decides whether the caller of a tool holds the tool's scope (<see cref="ToolScopeAttribute"/>).</summary>
internal interface IToolAuthorizer
{
    /// <returns>Null when the call may go on; else why not, for the tool error.</returns>
    ValueTask<string?> RefusalAsync(ClaimsPrincipal? user, string scope, CancellationToken cancellationToken);
}

/// <summary>
/// The REST API's scope policies (<see cref="ApiScopes"/>), applied per tool: with <c>AUTH_MODE=open</c>
/// every policy is met; with keys, the key that authenticated the <c>/mcp</c> request must hold the
/// tool's scope. The refusal is the REST API's 403 message.
/// </summary>
internal sealed class PolicyToolAuthorizer(IAuthorizationService authorization) : IToolAuthorizer
{
    public async ValueTask<string?> RefusalAsync(ClaimsPrincipal? user, string scope, CancellationToken cancellationToken)
    {
        var policy = scope switch
        {
            ToolScopeAttribute.Report => ApiScopes.Report,
            ToolScopeAttribute.Read => ApiScopes.Read,
            _ => throw new InvalidOperationException($"Unknown tool scope '{scope}'."),
        };
        var result = await authorization.AuthorizeAsync(user ?? new ClaimsPrincipal(new ClaimsIdentity()), policy).ConfigureAwait(false);
        return result.Succeeded ? null : $"this key lacks the '{scope}' scope";
    }
}
