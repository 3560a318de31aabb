using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.ApiKeys;
using Mediator;

namespace KubeAgents.Application.ApiKeys.Commands.CreateApiKey;

/// <summary>A new key with a name and one or more scopes. Its text is in the answer, and nowhere else, ever.</summary>
/// <param name="Name">Who or what holds the key, 1 to 100 characters (ci-bot, grafana).</param>
/// <param name="Scopes">One or more of report, read, admin.</param>
public sealed record CreateApiKeyCommand(string Name, IReadOnlyList<string> Scopes) : ICommand<CreatedApiKeyDto>;

/// <summary>The key just created. key is shown this once: store it now.</summary>
/// <param name="Key">The key's text, to send as Authorization: Bearer &lt;key&gt; or X-API-Key.</param>
/// <param name="Prefix">The public part that names the key.</param>
/// <param name="Name">Who or what holds the key.</param>
/// <param name="Scopes">report, read and/or admin.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record CreatedApiKeyDto(string Key, string Prefix, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt);

public sealed class CreateApiKeyHandler(IApplicationDbContext db, TimeProvider time) : ICommandHandler<CreateApiKeyCommand, CreatedApiKeyDto>
{
    public async ValueTask<CreatedApiKeyDto> Handle(CreateApiKeyCommand command, CancellationToken cancellationToken)
    {
        var scopes = command.Scopes.Aggregate(ApiScope.None, (all, name) => ApiScopeNames.TryParse(name, out var scope) ? all | scope : all);
        var (key, text) = ApiKey.Create(command.Name, scopes, time.GetUtcNow());
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CreatedApiKeyDto(text, key.Prefix, key.Name, ApiScopeNames.Names(key.Scopes), key.CreatedAt);
    }
}
