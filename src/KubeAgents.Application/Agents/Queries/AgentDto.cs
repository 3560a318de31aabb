using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Agents.Queries;

/// <summary>An agent as the API shows it. <c>latest_*</c> is the report with the greatest timestamp over all its sessions.</summary>
public sealed record AgentDto(
    string AgentId,
    string? Name,
    string? Source,
    DateTimeOffset Registered,
    DateTimeOffset LastSeen,
    int SessionCount,
    int ActiveSessionCount,
    SessionStatus? LatestStatus,
    string? LatestMessage);
