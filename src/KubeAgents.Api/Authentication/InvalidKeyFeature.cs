namespace KubeAgents.Api.Authentication;

/// <summary>
/// Set on a request whose key was sent but not accepted (unknown, malformed or revoked), so the
/// refusal says <c>invalid_token</c> instead of "a key is required". The authentication handler
/// answers such a request with no result rather than a failure: ASP.NET Core logs every failure at
/// Information, which a flood of made-up keys would turn into a flood of lines.
/// </summary>
internal sealed class InvalidKeyFeature
{
    public static readonly InvalidKeyFeature Instance = new();

    private InvalidKeyFeature()
    {
    }

    public static bool IsSetOn(HttpContext context) => context.Features.Get<InvalidKeyFeature>() is not null;
}
