using KubeAgents.Domain.ApiKeys;
using KubeAgents.Application.Common.Settings;

namespace KubeAgents.Api.Authentication;

public enum AuthMode
{
    /// <summary>No key needed (the original service's behaviour).</summary>
    Open,

    /// <summary>Every endpoint but the probes needs a key with the endpoint's scope.</summary>
    Keys,
}

/// <summary><c>AUTH_MODE</c>, <c>BOOTSTRAP_ADMIN_KEY</c>, <c>METRICS_PUBLIC</c>, <c>API_KEY_CACHE_SECONDS</c>.</summary>
public sealed class AuthOptions : IServiceSettings
{
    public const string ModeKey = "AUTH_MODE";
    public const string BootstrapKeyKey = "BOOTSTRAP_ADMIN_KEY";
    public const string MetricsPublicKey = "METRICS_PUBLIC";
    public const string CacheSecondsKey = "API_KEY_CACHE_SECONDS";

    public AuthMode Mode { get; set; }

    /// <summary>An admin key stored (hashed) at start-up unless its prefix exists; never logged.</summary>
    public string? BootstrapAdminKey { get; set; }

    public bool MetricsPublic { get; set; }

    /// <summary>
    /// How long a replica trusts what it read of a key: a key revoked elsewhere (another replica, the
    /// CLI) stops working here within this time; on the replica that revoked it, at once.
    /// </summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    public void Read(IConfiguration configuration)
    {
        Mode = configuration.GetChoiceSetting(ModeKey, AuthMode.Open, "open or keys", ("open", AuthMode.Open), ("keys", AuthMode.Keys));
        BootstrapAdminKey = configuration.GetSetting(BootstrapKeyKey);
        if (BootstrapAdminKey is not null && !ApiKeySecret.TryGetPrefix(BootstrapAdminKey, out _))
        {
            // The value itself is a secret: never repeated in the message.
            throw new InvalidConfigurationException(
                $"{BootstrapKeyKey} is not a KubeAgents key (ka_ + 8 characters a-z/2-7 + _ + 43 base64url characters); make one with: {ApiKeyBootstrap.KeysCommandLine} generate");
        }

        if (BootstrapAdminKey is not null && ApiKeySecret.DistinctSecretCharacters(BootstrapAdminKey) < ApiKeySecret.MinDistinctSecretCharacters)
        {
            throw new InvalidConfigurationException(
                $"{BootstrapKeyKey} has too little entropy to be a secret (fewer than {ApiKeySecret.MinDistinctSecretCharacters} different characters in its last 43); make one with: {ApiKeyBootstrap.KeysCommandLine} generate");
        }

        MetricsPublic = configuration.GetChoiceSetting(MetricsPublicKey, false, "true or false", ("false", false), ("0", false), ("true", true), ("1", true));
        CacheDuration = TimeSpan.FromSeconds(configuration.GetInt32Setting(CacheSecondsKey, 30, 0, 300));
    }
}
