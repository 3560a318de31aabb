using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.ApiKeys;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.ApiKeys.Commands.EnsureBootstrapKey;

/// <summary>
/// Stores the operator's <c>BOOTSTRAP_ADMIN_KEY</c> (its hash) as an admin key unless a key with its
/// prefix exists: a revoked bootstrap key stays revoked across restarts. True when it was added.
/// </summary>
public sealed record EnsureBootstrapKeyCommand(string Key) : ICommand<bool>
{
    public const string KeyName = "bootstrap-admin";

    public override string ToString() => "EnsureBootstrapKeyCommand { Key = *** }";
}

public sealed class EnsureBootstrapKeyHandler(IApplicationDbContext db, TimeProvider time) : ICommandHandler<EnsureBootstrapKeyCommand, bool>
{
    public async ValueTask<bool> Handle(EnsureBootstrapKeyCommand command, CancellationToken cancellationToken)
    {
        var key = ApiKey.FromText(command.Key, EnsureBootstrapKeyCommand.KeyName, ApiScope.Admin, time.GetUtcNow());
        if (await db.ApiKeys.AnyAsync(k => k.Prefix == key.Prefix, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        db.ApiKeys.Add(key);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another replica starting at the same time may have stored it first.
            db.ApiKeys.Entry(key).State = EntityState.Detached;
            if (await db.ApiKeys.AsNoTracking().AnyAsync(k => k.Prefix == key.Prefix, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            throw;
        }
    }
}
