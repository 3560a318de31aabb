using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.History;

/// <summary>One entry of a status history.</summary>
/// <param name="Timestamp">The timestamp the agent reported, in UTC.</param>
/// <param name="Message">Absent when the report had none.</param>
/// <param name="Content">Absent when the report had none.</param>
public sealed record StatusDto(
    string AgentId,
    string SessionTopic,
    SessionStatus Status,
    DateTimeOffset Timestamp,
    string? Message,
    string? Content);
