using System.Security.Claims;
using KubeAgents.Api.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.UnitTests.Api;

/// <summary>The policies endpoints declare, as the authorization service evaluates them in each mode.</summary>
public class ScopePolicyTests
{
    private static readonly ClaimsPrincipal Anonymous = new(new ClaimsIdentity());

    private static ClaimsPrincipal KeyWith(params string[] scopes) => new(new ClaimsIdentity(
        scopes.Select(s => new Claim(ApiScopes.ScopeClaim, s)).Append(new Claim(ApiScopes.KeyPrefixClaim, "abcdefgh")), ApiKeyDefaults.Scheme));

    private static async Task<bool> AllowedAsync(string mode, ClaimsPrincipal user, string? policy)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["AUTH_MODE"] = mode;
        builder.AddKubeAgentsAuth();
        await using var services = builder.Services.BuildServiceProvider();
        var authorization = services.GetRequiredService<IAuthorizationService>();
        var provider = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var resolved = policy is null ? await provider.GetDefaultPolicyAsync() : (await provider.GetPolicyAsync(policy))!;
        return (await authorization.AuthorizeAsync(user, resource: null, resolved)).Succeeded;
    }

    [Theory]
    [InlineData(ApiScopes.Report)]
    [InlineData(ApiScopes.Read)]
    [InlineData(null)]
    public async Task Open_mode_meets_every_policy_but_admin_without_a_key(string? policy) =>
        (await AllowedAsync("open", Anonymous, policy)).Should().BeTrue();

    [Fact]
    public async Task Open_mode_never_meets_the_admin_policy_not_even_with_an_admin_claim()
    {
        (await AllowedAsync("open", Anonymous, ApiScopes.Admin)).Should().BeFalse("open mode administers nothing");
        (await AllowedAsync("open", KeyWith("admin"), ApiScopes.Admin)).Should().BeFalse();
    }

    [Fact]
    public async Task Keys_mode_needs_the_policys_scope()
    {
        (await AllowedAsync("keys", Anonymous, ApiScopes.Read)).Should().BeFalse();
        (await AllowedAsync("keys", KeyWith("report", "admin"), ApiScopes.Read)).Should().BeFalse();
        (await AllowedAsync("keys", KeyWith("read"), ApiScopes.Read)).Should().BeTrue();
    }

    [Fact]
    public async Task In_keys_mode_a_bare_Authorize_needs_a_key_of_any_scope()
    {
        (await AllowedAsync("keys", Anonymous, null)).Should().BeFalse();
        (await AllowedAsync("keys", KeyWith("report"), null)).Should().BeTrue();
    }
}
