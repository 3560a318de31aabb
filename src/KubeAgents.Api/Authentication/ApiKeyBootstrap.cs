using KubeAgents.Application.ApiKeys.Commands.EnsureBootstrapKey;
using KubeAgents.Domain.ApiKeys;
using Mediator;
using Microsoft.Extensions.Options;

namespace KubeAgents.Api.Authentication;

/// <summary>
/// Stores <c>BOOTSTRAP_ADMIN_KEY</c> (its hash) as an admin key once the schema is up to date
/// (registered after the store's initializer), so a fresh deployment starts with keys on and is
/// never open. A key with its prefix already there (even revoked) is left as it is.
/// </summary>
internal sealed partial class ApiKeyBootstrap(IServiceScopeFactory scopes, IOptions<AuthOptions> options, ILogger<ApiKeyBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.BootstrapAdminKey is not { } key)
        {
            return;
        }

        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var added = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new EnsureBootstrapKeyCommand(key), cancellationToken).ConfigureAwait(false);
            ApiKeySecret.TryGetPrefix(key, out var prefix);
            if (added)
            {
                LogStored(AuthOptions.BootstrapKeyKey, prefix);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Setting} stored as admin key {Prefix} (only its hash); revoke it once you have your own admin key")]
    private partial void LogStored(string setting, string prefix);
}
