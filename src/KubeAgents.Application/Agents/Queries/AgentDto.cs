using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Agents.Queries;

/// <summary>An agent as the API shows it. <c>latest_*</c> is the report with the greatest timestamp over all its sessions.</summary>
/// <param name="Name">The latest non-empty agent_name reported; absent when none was.</param>
/// <param name="Source">The latest non-empty agent_source reported; absent when none was.</param>
/// <param name="Registered">The first report's arrival.</param>
/// <param name="LastSeen">The latest report's arrival.</param>
/// <param name="ActiveSessionCount">Sessions not expired at the time of the read.</param>
/// <param name="LatestStatus">Absent until the agent has a status.</param>
/// <param name="LatestMessage">The message of the latest status; absent when it had none.</param>
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
