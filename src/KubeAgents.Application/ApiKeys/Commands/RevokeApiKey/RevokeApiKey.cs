using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.ApiKeys;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.ApiKeys.Commands.RevokeApiKey;

/// <summary>Revokes the key with this prefix; revoking a revoked key keeps its first revocation time.</summary>
public sealed record RevokeApiKeyCommand(string Prefix) : ICommand<ApiKeyDto>;

public sealed class RevokeApiKeyHandler(IApplicationDbContext db, TimeProvider time) : ICommandHandler<RevokeApiKeyCommand, ApiKeyDto>
{
    public async ValueTask<ApiKeyDto> Handle(RevokeApiKeyCommand command, CancellationToken cancellationToken)
    {
        var key = ApiKeySecret.IsPrefix(command.Prefix)
            ? await db.ApiKeys.SingleOrDefaultAsync(k => k.Prefix == command.Prefix, cancellationToken).ConfigureAwait(false)
            : null;
        if (key is null)
        {
            throw new NotFoundException($"API key '{command.Prefix}' not found");
        }

        key.Revoke(time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return ApiKeyDto.From(key);
    }
}
