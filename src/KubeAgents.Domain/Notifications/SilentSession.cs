using KubeAgents.Domain.Sessions;

namespace KubeAgents.Domain.Notifications;

/// <summary>A session the sweeper found expired while running or pending, with what a silent alert tells.</summary>
/// <param name="LastStatus">Its current status when it went quiet: running or pending.</param>
/// <param name="LastStatusAt">That status's reported timestamp.</param>
/// <param name="LastMessage">That status's message, if any.</param>
/// <param name="LastReportAt">When its last report arrived (server clock): where the quiet starts.</param>
/// <param name="ExpiredAt">Its last report plus its TTL.</param>
public sealed record SilentSession(
    string AgentId,
    string? AgentName,
    string Topic,
    SessionStatus LastStatus,
    DateTimeOffset LastStatusAt,
    string? LastMessage,
    DateTimeOffset LastReportAt,
    DateTimeOffset ExpiredAt)
{
    /// <summary>Whether a session in <paramref name="status"/> that expires is silent (it never finished).</summary>
    public static bool IsSilent(SessionStatus? status) => status is SessionStatus.Running or SessionStatus.Pending;
}
