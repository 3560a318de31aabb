using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.ApiKeys;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Application.ApiKeys.Commands.RecordApiKeyUse;

/// <summary>
/// Moves the key's <c>last_used_at</c> to <see cref="At"/> unless it moved less than
/// <see cref="ApiKey.UsageResolution"/> ago (another replica, for example): one conditional UPDATE.
/// </summary>
public sealed record RecordApiKeyUseCommand(string Prefix, DateTimeOffset At) : ICommand<Unit>;

public sealed class RecordApiKeyUseHandler(IApplicationDbContext db) : ICommandHandler<RecordApiKeyUseCommand, Unit>
{
    public async ValueTask<Unit> Handle(RecordApiKeyUseCommand command, CancellationToken cancellationToken)
    {
        var before = command.At - ApiKey.UsageResolution;
        await db.ApiKeys
            .Where(k => k.Prefix == command.Prefix && (k.LastUsedAt == null || k.LastUsedAt <= before))
            .ExecuteUpdateAsync(set => set.SetProperty(k => k.LastUsedAt, command.At), cancellationToken).ConfigureAwait(false);
        return Unit.Value;
    }
}
