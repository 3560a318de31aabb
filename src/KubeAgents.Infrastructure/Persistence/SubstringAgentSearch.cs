using KubeAgents.Application.Common.Interfaces;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>The search of a store without an index for it: a substring of the lowered id or name, every agent read.</summary>
internal sealed class SubstringAgentSearch(KubeAgentsDbContext db) : IAgentSearch
{
    public IQueryable<string> MatchingIds(string text)
    {
        var search = text.ToLowerInvariant();
#pragma warning disable CA1862, CA1311 // ToLower is what the EF providers translate; comparison overloads are not translated.
        return db.Agents
            .Where(a => a.AgentId.ToLower().Contains(search) || (a.Name != null && a.Name.ToLower().Contains(search)))
            .Select(a => a.AgentId);
#pragma warning restore CA1862, CA1311
    }
}
