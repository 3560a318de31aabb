using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Notifications.Queries;

/// <summary>A notification's delivery state, for operators.</summary>
/// <param name="Id">Also the <c>X-KubeAgents-Delivery</c> header of every attempt.</param>
/// <param name="NextAttemptAt">When the next attempt is due (pending only).</param>
public sealed record NotificationDto(
    Guid Id,
    string AgentId,
    string SessionTopic,
    SessionStatus Status,
    NotificationState State,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? DeliveredAt,
    string? LastError);
