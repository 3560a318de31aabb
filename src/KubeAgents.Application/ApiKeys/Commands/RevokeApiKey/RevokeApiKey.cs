using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Events;
using KubeAgents.Domain.ApiKeys;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.ApiKeys.Commands.RevokeApiKey;

/// <summary>Revokes the key with this prefix; revoking a revoked key keeps its first revocation time.</summary>
public sealed record RevokeApiKeyCommand(string Prefix) : ICommand<ApiKeyDto>;

public sealed class RevokeApiKeyHandler(IApplicationDbContext db, TimeProvider time, ApiKeyRevocations revocations) : ICommandHandler<RevokeApiKeyCommand, ApiKeyDto>
{
    public async ValueTask<ApiKeyDto> Handle(RevokeApiKeyCommand command, CancellationToken cancellationToken)
    {
        // A whole key given by mistake names its prefix; text that is not a prefix is never repeated
        // back (it may be a secret, and the answer lands in bodies, terminals and CI logs).
        var prefix = ApiKeySecret.TryGetPrefix(command.Prefix, out var ofKey) ? ofKey : command.Prefix;
        if (!ApiKeySecret.IsPrefix(prefix))
        {
            throw new NotFoundException("no API key has this prefix (a prefix is the 8 characters after ka_)");
        }

        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Prefix == prefix, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"API key '{prefix}' not found");

        key.Revoke(time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        // Committed: what the key holds open in this process (event streams) ends now.
        revocations.Revoked(key.Prefix);
        return ApiKeyDto.From(key);
    }
}
