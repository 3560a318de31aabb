using Microsoft.AspNetCore.DataProtection;

namespace KubeAgents.Api.Security;

/// <summary>
/// Data Protection in memory only. Authentication and the views bring it, and nothing here encrypts
/// with it: API keys are hashed, and the dashboard's cookie carries the key itself.
/// </summary>
internal static class EphemeralDataProtection
{
    /// <summary>
    /// <c>AddDataProtection</c> also registers a hosted service that loads, and on a first start creates,
    /// a key ring under <c>$HOME/.aspnet</c>: a file outside the data the service owns (refused on a
    /// read-only root), a warning that the key is stored unencrypted, and about 70 ms of start-up,
    /// for a ring the ephemeral provider never reads. Called last: each <c>AddDataProtection</c> adds it again.
    /// </summary>
    public static IServiceCollection AddEphemeralDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        var keyRingLoaders = services
            .Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Assembly == typeof(DataProtectionOptions).Assembly)
            .ToList();
        foreach (var loader in keyRingLoaders)
        {
            services.Remove(loader);
        }

        return services;
    }
}
