using KubeAgents.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.ApiKeys.Queries.CountActiveApiKeys;

/// <summary>How many keys are not revoked, and how many of those hold the admin scope (said at start-up in keys mode).</summary>
public sealed record CountActiveApiKeysQuery : IQuery<ActiveApiKeyCount>;

public sealed record ActiveApiKeyCount(int Active, int Admin);

public sealed class CountActiveApiKeysHandler(IApplicationDbContext db) : IQueryHandler<CountActiveApiKeysQuery, ActiveApiKeyCount>
{
    public async ValueTask<ActiveApiKeyCount> Handle(CountActiveApiKeysQuery query, CancellationToken cancellationToken)
    {
        var scopes = await db.ApiKeys.AsNoTracking().Where(k => k.RevokedAt == null).Select(k => k.Scopes)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return new ActiveApiKeyCount(scopes.Count, scopes.Count(s => s.HasFlag(Domain.ApiKeys.ApiScope.Admin)));
    }
}
