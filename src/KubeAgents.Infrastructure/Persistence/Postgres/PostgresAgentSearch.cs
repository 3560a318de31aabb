using KubeAgents.Application.Common.Interfaces;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>
/// <c>search=</c> on PostgreSQL: the substring match runs on <c>agent_search_keys</c>, whose trigram
/// indexes find the matches without reading every agent (13 ms at 10,000 agents after ingestion when
/// it read the agents table; docs/benchmarks.md). Same matches as <see cref="SubstringAgentSearch"/>:
/// the keys are <c>lower()</c> of the id and name, as that search lowers them.
/// </summary>
internal sealed class PostgresAgentSearch(KubeAgentsDbContext db) : IAgentSearch
{
    public IQueryable<string> MatchingIds(string text)
    {
        var search = text.ToLowerInvariant();
        return db.Set<AgentSearchKey>()
            .Where(k => k.IdKey.Contains(search) || (k.NameKey != null && k.NameKey.Contains(search)))
            .Select(k => k.AgentId);
    }
}
