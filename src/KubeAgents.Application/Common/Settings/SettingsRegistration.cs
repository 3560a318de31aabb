using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KubeAgents.Application.Common.Settings;

/// <summary>
/// The one way settings reach services: each options class (<see cref="IServiceSettings"/>) is read
/// from configuration once, when it is registered, and handed to its consumers as
/// <see cref="IOptions{TOptions}"/>. docs/architecture.md lists the files a new setting touches.
/// </summary>
public static class SettingsRegistration
{
    /// <summary>
    /// Reads <typeparamref name="T"/> now (an invalid value throws <see cref="InvalidConfigurationException"/>
    /// naming it: start-up stops with exit 2 before anything listens) and registers that one reading as
    /// <see cref="IOptions{TOptions}"/>; a store's <c>Configure&lt;T&gt;</c> still applies on top.
    /// </summary>
    /// <returns>The reading, for the few settings that decide what is registered (the store, the port, the access mode).</returns>
    public static T AddSettings<T>(this IServiceCollection services, IConfiguration configuration)
        where T : class, IServiceSettings, new()
    {
        ArgumentNullException.ThrowIfNull(services);
        if (FindSettings<T>(services) is { } registered)
        {
            return registered;
        }

        var settings = configuration.ReadSettings<T>();
        services.AddOptions();
        services.AddSingleton(settings);
        services.Replace(ServiceDescriptor.Singleton<IOptionsFactory<T>>(provider => new ReadOnceFactory<T>(
            settings,
            provider.GetServices<IConfigureOptions<T>>(),
            provider.GetServices<IPostConfigureOptions<T>>(),
            provider.GetServices<IValidateOptions<T>>())));
        return settings;
    }

    /// <summary>The reading <see cref="AddSettings{T}"/> registered, or null when registration did not get that far.</summary>
    public static T? FindSettings<T>(this IServiceCollection services)
        where T : class, IServiceSettings =>
        services.LastOrDefault(d => d.ServiceType == typeof(T) && !d.IsKeyedService)?.ImplementationInstance as T;

    /// <summary>A fresh reading, registered nowhere: for tests and for checking a deployment's settings.</summary>
    public static T ReadSettings<T>(this IConfiguration configuration)
        where T : class, IServiceSettings, new()
    {
        var settings = new T();
        settings.Read(configuration);
        return settings;
    }

    /// <summary>Options built on the one reading instead of a new instance, so configuration is not read again.</summary>
    private sealed class ReadOnceFactory<T>(
        T settings,
        IEnumerable<IConfigureOptions<T>> setups,
        IEnumerable<IPostConfigureOptions<T>> postConfigures,
        IEnumerable<IValidateOptions<T>> validations) : OptionsFactory<T>(setups, postConfigures, validations)
        where T : class
    {
        protected override T CreateInstance(string name) => settings;
    }
}
