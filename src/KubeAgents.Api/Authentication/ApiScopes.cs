using KubeAgents.Domain.ApiKeys;

namespace KubeAgents.Api.Authentication;

/// <summary>
/// The authorization policies an endpoint declares: <c>[Authorize(Policy = ApiScopes.Read)]</c> on a
/// controller or action, <c>.RequireAuthorization(ApiScopes.Read)</c> on a minimal endpoint or a
/// mapped group (<c>app.MapMcp("/mcp").RequireAuthorization(ApiScopes.Report)</c>). With
/// <c>AUTH_MODE=open</c> every policy is satisfied; with <c>AUTH_MODE=keys</c> the request needs a key
/// holding that scope. An endpoint that declares nothing still needs a key (any scope) in keys mode;
/// <c>[AllowAnonymous]</c> opens it.
/// </summary>
public static class ApiScopes
{
    /// <summary>Report statuses: <c>POST /webhook/status</c>, the writing MCP tools.</summary>
    public const string Report = "scope:" + ApiScopeNames.Report;

    /// <summary>Read: GETs under <c>/api</c>, the event stream, the dashboard, <c>/metrics</c>.</summary>
    public const string Read = "scope:" + ApiScopeNames.Read;

    /// <summary>Key management and <c>GET /api/notifications</c>.</summary>
    public const string Admin = "scope:" + ApiScopeNames.Admin;

    /// <summary>The claim a key's scopes are carried in (one claim per scope).</summary>
    public const string ScopeClaim = "kubeagents:scope";

    /// <summary>The claim holding the authenticated key's prefix.</summary>
    public const string KeyPrefixClaim = "kubeagents:key_prefix";

    internal static readonly IReadOnlyList<(string Policy, ApiScope Scope)> All =
        [(Report, ApiScope.Report), (Read, ApiScope.Read), (Admin, ApiScope.Admin)];
}
