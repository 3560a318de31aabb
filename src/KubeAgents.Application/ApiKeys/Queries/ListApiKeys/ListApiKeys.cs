using KubeAgents.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.ApiKeys.Queries.ListApiKeys;

/// <summary>Every key, revoked ones included, newest first.</summary>
public sealed record ListApiKeysQuery : IQuery<ApiKeyListDto>;

/// <param name="Keys">Newest first; no key's text or hash.</param>
public sealed record ApiKeyListDto(IReadOnlyList<ApiKeyDto> Keys);

public sealed class ListApiKeysHandler(IApplicationDbContext db) : IQueryHandler<ListApiKeysQuery, ApiKeyListDto>
{
    public async ValueTask<ApiKeyListDto> Handle(ListApiKeysQuery query, CancellationToken cancellationToken)
    {
        var keys = await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return new ApiKeyListDto([.. keys.Select(ApiKeyDto.From)]);
    }
}
