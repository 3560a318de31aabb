namespace KubeAgents.Api.Authentication;

/// <summary>
/// The dashboard's login form. Its <see cref="ToString"/> hides the key: MVC logs an action's
/// arguments at Trace ("Executing action method ... with arguments (...)"), and a key must not be in
/// any log at any level.
/// </summary>
public sealed class LoginForm
{
    /// <summary>The key typed in.</summary>
    public string? Key { get; set; }

    /// <summary>Where to go once logged in (a local path).</summary>
    public string? ReturnUrl { get; set; }

    public override string ToString() => $"LoginForm {{ Key = ***, ReturnUrl = {ReturnUrl} }}";
}
