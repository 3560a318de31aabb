using FluentValidation;
using KubeAgents.Domain.Notifications;

namespace KubeAgents.Application.Notifications.Routes;

/// <summary>The field rules create and update share; each message names the field by its wire name.</summary>
internal static class RouteRules
{
    public static IRuleBuilderOptions<T, string?> RouteName<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(n => !string.IsNullOrWhiteSpace(n) && n.Length <= NotificationRoute.MaxNameLength && !n.Any(char.IsControl))
            .WithMessage($"name is required: 1 to {NotificationRoute.MaxNameLength} characters, no control characters");

    public static IRuleBuilderOptions<T, string?> RouteUrl<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(u => u is { Length: <= NotificationRoute.MaxUrlLength }
                && Uri.TryCreate(u, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
            .WithMessage($"url must be an absolute http(s) URL of at most {NotificationRoute.MaxUrlLength} characters");

    public static IRuleBuilderOptions<T, string?> RouteChannel<T>(this IRuleBuilder<T, string?> rule, INotificationChannelCatalog channels) =>
        rule.Must(c => c is not null && channels.Names.Contains(c))
            .WithMessage($"channel must be one of: {string.Join(", ", channels.Names)}");

    public static IRuleBuilderOptions<T, string?> RouteSecret<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(s => s is null || s.Length <= NotificationRoute.MaxSecretLength)
            .WithMessage($"secret must be at most {NotificationRoute.MaxSecretLength} characters");

    public static IRuleBuilderOptions<T, string?> RouteFilter<T>(this IRuleBuilder<T, string?> rule, string field) =>
        rule.Must(f => f is null || (f.Length <= NotificationRoute.MaxFilterLength && !f.Any(char.IsControl)))
            .WithMessage($"{field} must be a glob (* and ?) of at most {NotificationRoute.MaxFilterLength} characters");

    public static IRuleBuilderOptions<T, IReadOnlyList<string>?> RouteEvents<T>(this IRuleBuilder<T, IReadOnlyList<string>?> rule) =>
        rule.Must(e => e is null || (e.Count > 0 && e.All(name => NotificationEventNames.TryParse(name, out _))))
            .WithMessage($"events must name one or more of: {NotificationEventNames.List}");

    /// <summary>The flags of <paramref name="names"/> (validated); null stays null.</summary>
    public static NotificationEvents? Parse(IReadOnlyList<string>? names) => names?.Aggregate(
        NotificationEvents.None, (all, name) => NotificationEventNames.TryParse(name, out var e) ? all | e : all);
}
