using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Agents.Queries;

/// <summary>An agent with its session counts, computed in the same query (correlated counts, no query per agent).</summary>
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
        return agents.Select(a => new AgentWithCounts(a, a.Sessions.Count, a.Sessions.AsQueryable().Count(active)));
    }
}
