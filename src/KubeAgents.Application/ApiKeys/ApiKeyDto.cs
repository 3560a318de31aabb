using KubeAgents.Domain.ApiKeys;

namespace KubeAgents.Application.ApiKeys;

/// <summary>A key as listed: never its text or hash.</summary>
/// <param name="Prefix">The public part that names the key (<c>ka_&lt;prefix&gt;_...</c>); revoke it by this.</param>
/// <param name="Name">Who or what holds the key.</param>
/// <param name="Scopes">report, read and/or admin.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="LastUsedAt">When it last authenticated a request, to the minute; absent when never.</param>
/// <param name="RevokedAt">When it was revoked; absent while it works.</param>
public sealed record ApiKeyDto(string Prefix, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyDto From(ApiKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(key.Prefix, key.Name, ApiScopeNames.Names(key.Scopes), key.CreatedAt, key.LastUsedAt, key.RevokedAt);
    }
}
