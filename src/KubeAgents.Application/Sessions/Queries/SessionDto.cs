using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Sessions.Queries;

/// <summary>A session as the API shows it; <c>expired</c> is exact at the time of the read.</summary>
/// <param name="Created">The first report's arrival.</param>
/// <param name="LastUpdated">The latest report's arrival.</param>
/// <param name="Expired">Whether now is past last_updated + ttl_minutes.</param>
/// <param name="ExpiredAt">Present only once the session has expired: last_updated + ttl_minutes. A report revives the session and removes it.</param>
/// <param name="TtlMinutes">Minutes without a report after which the session expires.</param>
/// <param name="CurrentStatus">The status of the entry with the greatest timestamp; absent while the session has none.</param>
/// <param name="RunningSince">The earliest timestamp of a running entry, where a finished session's duration starts; absent while it has none.</param>
public sealed record SessionDto(
    string AgentId,
    string SessionTopic,
    DateTimeOffset Created,
    DateTimeOffset LastUpdated,
    bool Expired,
    DateTimeOffset? ExpiredAt,
    int TtlMinutes,
    SessionStatus? CurrentStatus,
    DateTimeOffset? RunningSince);
