using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Sessions.Queries;

/// <summary>A session as the API shows it; <c>expired</c> is exact at the time of the read.</summary>
public sealed record SessionDto(
    string AgentId,
    string SessionTopic,
    DateTimeOffset Created,
    DateTimeOffset LastUpdated,
    bool Expired,
    DateTimeOffset? ExpiredAt,
    int TtlMinutes,
    SessionStatus? CurrentStatus);

/// <summary>One entry of a status history.</summary>
public sealed record StatusDto(
    string AgentId,
    string SessionTopic,
    SessionStatus Status,
    DateTimeOffset Timestamp,
    string? Message,
    string? Content);
