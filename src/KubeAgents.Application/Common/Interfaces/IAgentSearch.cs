namespace KubeAgents.Application.Common.Interfaces;

/// <summary>
/// <c>search=</c>: the agents whose id or name contains a text, case-insensitively. A store seam: a
/// substring match reads every agent, and a store may answer from an index of its own instead
/// (PostgreSQL: trigram indexes on a table of search keys, written only when an agent is registered
/// or renamed, since every report rewrites the agent's row).
/// </summary>
public interface IAgentSearch
{
    /// <summary>
    /// The ids of the matching agents, as a query to compose into another one on the same context
    /// (<c>ids.Contains(a.AgentId)</c>). <paramref name="text"/> is matched as text: <c>%</c> and <c>_</c> are not wildcards.
    /// </summary>
    IQueryable<string> MatchingIds(string text);
}
