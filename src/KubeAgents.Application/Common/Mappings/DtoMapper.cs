using KubeAgents.Application.Agents.Queries;
using KubeAgents.Application.Sessions.Queries;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using Riok.Mapperly.Abstractions;

namespace KubeAgents.Application.Common.Mappings;

/// <summary>Entity to response mappings, generated at compile time. Values that depend on the clock are passed in.</summary>
[Mapper(RequiredMappingStrategy = RequiredMappingStrategy.Target)]
public static partial class DtoMapper
{
    public static partial AgentDto ToDto(this Agent agent, int sessionCount, int activeSessionCount);

    public static SessionDto ToDto(this Session session, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.IsExpiredAt(now)
            ? ToDto(session, expired: true, expiredAt: session.ExpiresAt)
            : ToDto(session, expired: false, expiredAt: null);
    }

    [MapProperty(nameof(Session.Topic), nameof(SessionDto.SessionTopic))]
    [MapProperty(nameof(Session.FirstRunningAt), nameof(SessionDto.RunningSince))]
    private static partial SessionDto ToDto(Session session, bool expired, DateTimeOffset? expiredAt);
}
