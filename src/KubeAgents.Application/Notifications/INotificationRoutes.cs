using KubeAgents.Domain.Notifications;

namespace KubeAgents.Application.Notifications;

/// <summary>The channels this service can send through (<c>slack</c>, <c>discord</c>, ...): the names a route may use.</summary>
public interface INotificationChannelCatalog
{
    IReadOnlyList<string> Names { get; }
}

/// <summary>Sends a route a sample message now, outside the outbox (the "send test notification" button).</summary>
public interface INotificationRouteTester
{
    Task<RouteTestResult> TestAsync(NotificationRoute route, CancellationToken cancellationToken);
}

/// <summary>What the receiver answered to a test message.</summary>
/// <param name="Delivered">The receiver answered 2xx.</param>
/// <param name="StatusCode">The receiver's HTTP status; absent when it never answered.</param>
/// <param name="Error">What went wrong; absent when delivered.</param>
public sealed record RouteTestResult(bool Delivered, int? StatusCode, string? Error);
