using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Agents.Queries;

/// <summary>An agent with its session counts: all of them from the agent's row, the active ones counted in the same query over the live sessions' index.</summary>
internal sealed record AgentWithCounts(Agent Agent, int SessionCount, int ActiveSessionCount)
{
    public AgentDto ToDto() => Common.Mappings.DtoMapper.ToDto(Agent, SessionCount, ActiveSessionCount);
}

internal static class AgentCounts
{
    /// <summary>Active means not expired at <paramref name="now"/>: the TTL has not passed.</summary>
    public static IQueryable<AgentWithCounts> WithSessionCounts(this IQueryable<Agent> agents, DateTimeOffset now)
    {
        var active = Session.ActiveAsOf(now);
        return agents.Select(a => new AgentWithCounts(a, a.SessionCount, a.Sessions.AsQueryable().Count(active)));
    }
}
