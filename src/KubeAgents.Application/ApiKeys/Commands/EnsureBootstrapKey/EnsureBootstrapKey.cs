using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.ApiKeys;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.ApiKeys.Commands.EnsureBootstrapKey;

/// <summary>
/// Makes the operator's <c>BOOTSTRAP_ADMIN_KEY</c> the one bootstrap key: stores its hash as an admin
/// key named <see cref="KeyName"/> unless its prefix exists (a revoked bootstrap key stays revoked
/// across restarts), and revokes every other unrevoked bootstrap key, so changing the value rotates
/// it. A stored key with the same prefix but another hash is a clash, reported, never overwritten.
/// </summary>
public sealed record EnsureBootstrapKeyCommand(string Key) : ICommand<BootstrapKeyResult>
{
    /// <summary>The name bootstrap keys carry; reserved (no other key may be created with it).</summary>
    public const string KeyName = "bootstrap-admin";

    public override string ToString() => "EnsureBootstrapKeyCommand { Key = *** }";
}

public enum BootstrapKeyOutcome
{
    /// <summary>Stored now.</summary>
    Stored,

    /// <summary>Already stored (perhaps revoked): left as it is.</summary>
    AlreadyStored,

    /// <summary>Another key has this prefix: nothing changed.</summary>
    PrefixTaken,
}

/// <param name="Prefix">The bootstrap key's prefix.</param>
/// <param name="Outcome">What happened to it.</param>
/// <param name="Revoked">Prefixes of earlier bootstrap keys revoked now.</param>
public sealed record BootstrapKeyResult(string Prefix, BootstrapKeyOutcome Outcome, IReadOnlyList<string> Revoked);

public sealed class EnsureBootstrapKeyHandler(IApplicationDbContext db, TimeProvider time) : ICommandHandler<EnsureBootstrapKeyCommand, BootstrapKeyResult>
{
    public async ValueTask<BootstrapKeyResult> Handle(EnsureBootstrapKeyCommand command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = ApiKey.FromText(command.Key, EnsureBootstrapKeyCommand.KeyName, ApiScope.Admin, now);
        var stored = await db.ApiKeys.AsNoTracking().Where(k => k.Prefix == key.Prefix).Select(k => k.Hash)
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (stored is not null && !stored.AsSpan().SequenceEqual(key.Hash))
        {
            return new BootstrapKeyResult(key.Prefix, BootstrapKeyOutcome.PrefixTaken, []);
        }

        var outcome = stored is null ? BootstrapKeyOutcome.Stored : BootstrapKeyOutcome.AlreadyStored;
        if (stored is null)
        {
            db.ApiKeys.Add(key);
        }

        var earlier = await db.ApiKeys
            .Where(k => k.Name == EnsureBootstrapKeyCommand.KeyName && k.Prefix != key.Prefix && k.RevokedAt == null)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        earlier.ForEach(k => k.Revoke(now));
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException) when (stored is null)
        {
            // Another replica starting at the same time stored it (and revoked the earlier ones) first.
            db.ApiKeys.Entry(key).State = EntityState.Detached;
            earlier.ForEach(k => db.ApiKeys.Entry(k).State = EntityState.Detached);
            if (await db.ApiKeys.AsNoTracking().AnyAsync(k => k.Prefix == key.Prefix, cancellationToken).ConfigureAwait(false))
            {
                return new BootstrapKeyResult(key.Prefix, BootstrapKeyOutcome.AlreadyStored, []);
            }

            throw;
        }

        return new BootstrapKeyResult(key.Prefix, outcome, [.. earlier.Select(k => k.Prefix)]);
    }
}
