using KubeAgents.Application.Notifications;
using KubeAgents.Domain.Notifications;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// One attempt of one notification to its route: the route's channel renders it, the sender posts it.
/// The implicit route (<c>NOTIFICATION_WEBHOOK_URL</c>) renders with <c>NOTIFICATION_FORMAT</c> and signs
/// with headers, as it always has. Also the route test: a sample message, sent at once.
/// </summary>
internal sealed class NotificationDelivery(NotificationSender sender, IServiceProvider services, IOptions<NotificationOptions> options)
    : INotificationRouteTester
{
    /// <summary>The routes of <paramref name="batch"/>, by id; a deleted route is absent.</summary>
    public static async Task<Dictionary<Guid, NotificationRoute>> RoutesOfAsync(
        KubeAgentsDbContext db, IReadOnlyList<Notification> batch, CancellationToken cancellationToken)
    {
        var ids = batch.Where(n => n.RouteId is not null).Select(n => n.RouteId!.Value).Distinct().ToArray();
        return ids.Length == 0
            ? []
            : await db.NotificationRoutes.AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="notification"/> to its route (found in <paramref name="routes"/>).</summary>
    public Task<SendResult> SendAsync(Notification notification, IReadOnlyDictionary<Guid, NotificationRoute> routes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(routes);
        if (notification.RouteId is not { } routeId)
        {
            return SendImplicitAsync(notification, cancellationToken);
        }

        return routes.TryGetValue(routeId, out var route)
            ? SendAsync(notification, route, cancellationToken)
            : Task.FromResult(SendResult.GiveUp("the route was deleted"));
    }

    public async Task<RouteTestResult> TestAsync(NotificationRoute route, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(route);
        var result = await SendAsync(Notification.Sample(route.Name, sender.Now), route, cancellationToken).ConfigureAwait(false);
        return new RouteTestResult(result.Error is null, result.StatusCode, result.Error);
    }

    private async Task<SendResult> SendAsync(Notification notification, NotificationRoute route, CancellationToken cancellationToken)
    {
        if (services.GetKeyedService<INotificationChannel>(route.Channel) is not { } channel)
        {
            return SendResult.GiveUp($"no channel '{route.Channel}' in this version");
        }

        if (!Uri.TryCreate(route.Url, UriKind.Absolute, out var url))
        {
            return SendResult.GiveUp("the route's URL is not an absolute URL");
        }

        var message = channel.Render(notification, new ChannelContext(route.Secret, sender.Now));
        return await sender.PostAsync(url, notification.Id, message, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SendResult> SendImplicitAsync(Notification notification, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.WebhookUrl is not { } url)
        {
            return SendResult.GiveUp($"{NotificationOptions.WebhookUrlKey} is no longer set");
        }

        var channel = services.GetRequiredKeyedService<INotificationChannel>(settings.ChannelName);
        var now = sender.Now;
        var rendered = channel.Render(notification, new ChannelContext(null, now));
        var headers = new Dictionary<string, string>(rendered.Headers);
        foreach (var (name, value) in NotificationSender.SignatureHeaders(settings.Secret, now, rendered.Body))
        {
            headers[name] = value;
        }

        return await sender.PostAsync(url, notification.Id, rendered with { Headers = headers }, cancellationToken).ConfigureAwait(false);
    }
}
