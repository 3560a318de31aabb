using System.Net;
using Microsoft.AspNetCore.Authentication;
using KubeAgents.Application.Common.Settings;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace KubeAgents.Api.Authentication;

/// <summary>API keys (<c>AUTH_MODE=keys</c>) through ASP.NET Core authentication and authorization.</summary>
internal static partial class AuthSetup
{
    public static void AddKubeAgentsAuth(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var settings = services.AddSettings<AuthOptions>(builder.Configuration);
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<RejectedKeyLog>();
        services.AddHostedService<ApiKeyBootstrap>();

        // Open: no default scheme, so nothing is authenticated (no key lookups) and every policy is met.
        var authentication = settings.Mode == AuthMode.Keys ? services.AddAuthentication(ApiKeyDefaults.Scheme) : services.AddAuthentication();
        authentication.AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.Scheme, null);

        services.AddSingleton<IAuthorizationHandler, ScopeRequirementHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthorizationAnswers>();
        services.AddAuthorizationBuilder().AddKubeAgentsPolicies(settings.Mode);
    }

    private static AuthorizationBuilder AddKubeAgentsPolicies(this AuthorizationBuilder authorization, AuthMode mode)
    {
        foreach (var (policy, scope) in ApiScopes.All)
        {
            authorization.AddPolicy(policy, p => p.AddRequirements(new ScopeRequirement(scope)));
        }

        if (mode == AuthMode.Keys)
        {
            // An endpoint that declares no scope (the OpenAPI document, an unknown path) still needs a key,
            // and so does a bare [Authorize] / .RequireAuthorization(): a key of any scope.
            var anyKey = new AuthorizationPolicyBuilder(ApiKeyDefaults.Scheme).RequireAuthenticatedUser().Build();
            authorization.SetFallbackPolicy(anyKey).SetDefaultPolicy(anyKey);
        }
        else
        {
            // Open: a bare [Authorize] / .RequireAuthorization() is met too, like every named policy.
            authorization.SetDefaultPolicy(new AuthorizationPolicyBuilder().RequireAssertion(_ => true).Build());
        }

        return authorization;
    }

    /// <summary>After CORS (preflights and CORS headers on refusals), before everything a key protects.</summary>
    public static void UseKubeAgentsAuthentication(this WebApplication app)
    {
        app.UseAuthentication();
        app.Lifetime.ApplicationStarted.Register(() => WarnWhenOpen(app));
    }

    /// <summary>Open mode answers anyone who reaches the port: say so whenever that is beyond this machine.</summary>
    private static void WarnWhenOpen(WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Mode != AuthMode.Open)
        {
            return;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var exposed = addresses.Where(a => !IsLoopback(a)).ToList();
        if (exposed.Count > 0)
        {
            LogOpen(app.Logger, AuthOptions.ModeKey, string.Join(", ", exposed));
        }
    }

    internal static bool IsLoopback(string address)
    {
        var host = BindingAddress.Parse(address).Host.Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Setting}=open: anyone who can reach {Addresses} can report for any agent and read everything; set {Setting}=keys (see docs/security.md)")]
    private static partial void LogOpen(ILogger logger, string setting, string addresses);
}
