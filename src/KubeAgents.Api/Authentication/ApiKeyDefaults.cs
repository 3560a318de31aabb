namespace KubeAgents.Api.Authentication;

/// <summary>Where a key is read from, in this order: <c>Authorization: Bearer</c>, <c>X-API-Key</c>, the cookie.</summary>
public static class ApiKeyDefaults
{
    /// <summary>The authentication scheme's name.</summary>
    public const string Scheme = "ApiKey";

    public const string HeaderName = "X-API-Key";

    /// <summary>The cookie a browser session carries its key in (set HttpOnly, SameSite=Strict by the dashboard's login).</summary>
    public const string CookieName = "kubeagents_key";
}
