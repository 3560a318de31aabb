using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.Agents.Queries;

internal static class AgentExistence
{
    /// <summary>For reads whose empty answer may mean "no such agent": one more query, only then.</summary>
    public static async Task ThrowIfAgentUnknownAsync(this IApplicationDbContext db, string agentId, CancellationToken cancellationToken)
    {
        if (!await db.Agents.AnyAsync(a => a.AgentId == agentId, cancellationToken).ConfigureAwait(false))
        {
            throw NotFoundException.Agent(agentId);
        }
    }
}
