using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.ApiKeys;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.ApiKeys.Queries.FindApiKey;

/// <summary>What authentication needs of the key with this prefix (null when there is none): its hash, scopes, revocation.</summary>
public sealed record FindApiKeyQuery(string Prefix) : IQuery<ApiKeyCredential?>;

/// <summary>A stored key as authentication sees it. <see cref="Hash"/> never leaves the process.</summary>
public sealed record ApiKeyCredential(string Prefix, string Name, byte[] Hash, ApiScope Scopes, bool Revoked)
{
    public override string ToString() => $"ApiKeyCredential {{ Prefix = {Prefix}, Name = {Name}, Scopes = {Scopes}, Revoked = {Revoked} }}";
}

public sealed class FindApiKeyHandler(IApplicationDbContext db) : IQueryHandler<FindApiKeyQuery, ApiKeyCredential?>
{
    public async ValueTask<ApiKeyCredential?> Handle(FindApiKeyQuery query, CancellationToken cancellationToken) =>
        await db.ApiKeys.AsNoTracking().Where(k => k.Prefix == query.Prefix)
            .Select(k => new ApiKeyCredential(k.Prefix, k.Name, k.Hash, k.Scopes, k.RevokedAt != null))
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
}
