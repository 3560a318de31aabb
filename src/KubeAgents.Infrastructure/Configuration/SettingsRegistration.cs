using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KubeAgents.Infrastructure.Configuration;

/// <summary>The one way settings reach services: typed options, read from configuration and checked when the host starts.</summary>
public static class SettingsRegistration
{
    /// <summary>
    /// Registers <typeparamref name="T"/> as options read from <paramref name="configuration"/>. With
    /// <c>ValidateOnStart</c> they are read before anything starts, so a bad value stops start-up
    /// (exit 2, see Program) instead of failing the first request that needs it.
    /// </summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, IConfiguration configuration)
        where T : class, IServiceSettings =>
        services.AddOptions<T>().Configure(options => options.Read(configuration)).ValidateOnStart();

    /// <summary>The same reading, now: for the few settings that decide what is registered (the store, the listening port).</summary>
    public static T ReadSettings<T>(this IConfiguration configuration)
        where T : class, IServiceSettings, new()
    {
        var settings = new T();
        settings.Read(configuration);
        return settings;
    }
}
