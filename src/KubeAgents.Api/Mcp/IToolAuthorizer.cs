using System.Security.Claims;

namespace KubeAgents.Api.Mcp;

/// <summary>Decides whether the caller of a tool holds the tool's scope (<see cref="ToolScopeAttribute"/>).</summary>
internal interface IToolAuthorizer
{
    /// <returns>Null when the call may go on; else why not, for the tool error.</returns>
    ValueTask<string?> RefusalAsync(ClaimsPrincipal? user, string scope, CancellationToken cancellationToken);
}

/// <summary>The service without API keys (as the original): every caller may call every tool.</summary>
internal sealed class OpenToolAuthorizer : IToolAuthorizer
{
    public ValueTask<string?> RefusalAsync(ClaimsPrincipal? user, string scope, CancellationToken cancellationToken) =>
        ValueTask.FromResult<string?>(null);
}
