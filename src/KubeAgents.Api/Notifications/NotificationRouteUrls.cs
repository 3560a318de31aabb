using System.Diagnostics;
using KubeAgents.Domain.Notifications;

namespace KubeAgents.Api.Notifications;

/// <summary>Keeps route URLs out of traces: a notification attempt's span shows the URL masked (host and last 4 characters).</summary>
internal static class NotificationRouteUrls
{
    /// <summary>The header every notification attempt carries, and nothing else does.</summary>
    private const string DeliveryHeader = "X-KubeAgents-Delivery";

    public static void MaskInSpan(Activity activity, HttpRequestMessage request)
    {
        if (request.Headers.Contains(DeliveryHeader) && request.RequestUri is { } url)
        {
            activity.SetTag("url.full", NotificationRoute.Mask(url.ToString()));
            activity.DisplayName = request.Method.Method;
        }
    }
}
