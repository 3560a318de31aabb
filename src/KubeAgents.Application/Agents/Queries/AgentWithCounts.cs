using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Agents.Queries;

/// <summary>
/// An agent with its session counts, both from the agent's row: all of them, and the active ones as
/// the live ones less those past their TTL that the sweeper has not marked yet (counted in the same
/// query, a short range of the live sessions' index).
/// </summary>
internal sealed record AgentWithCounts(Agent Agent, int SessionCount, int ActiveSessionCount)
{
    public AgentDto ToDto() => Common.Mappings.DtoMapper.ToDto(Agent, SessionCount, ActiveSessionCount);
}

internal static class AgentCounts
{
    /// <summary>Active means not expired at <paramref name="now"/>: the TTL has not passed.</summary>
    public static IQueryable<AgentWithCounts> WithSessionCounts(this IQueryable<Agent> agents, DateTimeOffset now)
    {
        var overdue = Session.OverdueAsOf(now);
        return agents.Select(a => new AgentWithCounts(a, a.SessionCount, a.LiveSessionCount - a.Sessions.AsQueryable().Count(overdue)));
    }
}
