namespace KubeAgents.Domain.ApiKeys;

/// <summary>
/// An API key as stored: its public prefix, the SHA-256 of its text (never the text), its scopes.
/// The text exists only in the answer to its creation (<see cref="Create"/>).
/// </summary>
public sealed class ApiKey
{
    public const int MaxNameLength = 100;

    /// <summary><c>last_used_at</c> moves at most this often per key: no write per request.</summary>
    public static readonly TimeSpan UsageResolution = TimeSpan.FromMinutes(1);

    // For EF Core.
    private ApiKey()
    {
        Prefix = null!;
        Name = null!;
        Hash = null!;
    }

    private ApiKey(string prefix, string name, byte[] hash, ApiScope scopes, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7(now);
        Prefix = prefix;
        Name = name;
        Hash = hash;
        Scopes = scopes;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }

    /// <summary>The public part of the key that finds it: <c>ka_&lt;prefix&gt;_...</c>.</summary>
    public string Prefix { get; private set; }

    public string Name { get; private set; }

    /// <summary>SHA-256 of the key's text.</summary>
    public byte[] Hash { get; private set; }

    public ApiScope Scopes { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? LastUsedAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public bool IsRevoked => RevokedAt is not null;

    /// <summary>A new key and its text, which is shown once and never stored.</summary>
    public static (ApiKey Key, string Text) Create(string name, ApiScope scopes, DateTimeOffset now)
    {
        var text = ApiKeySecret.Generate();
        return (FromText(text, name, scopes, now), text);
    }

    /// <summary>A key whose text the operator chose (<c>BOOTSTRAP_ADMIN_KEY</c>); it must be well-formed.</summary>
    public static ApiKey FromText(string text, string name, ApiScope scopes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!ApiKeySecret.TryGetPrefix(text, out var prefix))
        {
            throw new ArgumentException("not a well-formed key (ka_<8 characters>_<43 characters>)", nameof(text));
        }

        if (scopes == ApiScope.None)
        {
            throw new ArgumentException("a key holds at least one scope", nameof(scopes));
        }

        return new ApiKey(prefix, name, ApiKeySecret.Hash(text), scopes, now);
    }

    public bool Allows(ApiScope scope) => !IsRevoked && Scopes.HasFlag(scope);

    /// <summary>Revoking twice keeps the first time.</summary>
    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;
}
