using KubeAgents.Application.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// The channels routes can name. Adding one is a class implementing <see cref="INotificationChannel"/>
/// and one line in <see cref="AddBuiltInChannels"/> (or, for a test, in its own service set-up).
/// </summary>
public static class NotificationChannels
{
    /// <summary>Registers <typeparamref name="TChannel"/> as the keyed channel <paramref name="name"/>, and makes the name valid for routes.</summary>
    public static IServiceCollection AddNotificationChannel<TChannel>(this IServiceCollection services, string name)
        where TChannel : class, INotificationChannel
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        services.AddKeyedSingleton<INotificationChannel, TChannel>(name);
        services.AddSingleton(new NotificationChannelName(name));
        return services;
    }

    internal static void AddBuiltInChannels(IServiceCollection services)
    {
        services.AddNotificationChannel<SlackChannel>("slack");
        services.AddNotificationChannel<DiscordChannel>("discord");
        services.AddNotificationChannel<TeamsChannel>("teams");
        services.AddNotificationChannel<LarkChannel>("lark");
        services.AddNotificationChannel<JsonEventChannel>("json");
        services.AddSingleton<INotificationChannelCatalog, NotificationChannelCatalog>();
    }
}

internal sealed record NotificationChannelName(string Name);

internal sealed class NotificationChannelCatalog(IEnumerable<NotificationChannelName> names) : INotificationChannelCatalog
{
    public IReadOnlyList<string> Names { get; } = [.. names.Select(n => n.Name).Distinct(StringComparer.Ordinal)];
}
