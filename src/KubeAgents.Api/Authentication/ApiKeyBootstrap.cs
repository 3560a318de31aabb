using KubeAgents.Application.ApiKeys.Commands.EnsureBootstrapKey;
using KubeAgents.Application.ApiKeys.Queries.CountActiveApiKeys;
using KubeAgents.Application.Common.Settings;
using Mediator;
using Microsoft.Extensions.Options;

namespace KubeAgents.Api.Authentication;

/// <summary>
/// At start-up, once the schema is up to date (registered after the store's initializer): makes
/// <c>BOOTSTRAP_ADMIN_KEY</c> the one bootstrap key (stored as a hash; an earlier, different value is
/// revoked, in one line), refuses a value whose prefix another stored key has, and in keys mode says
/// how many keys are active, warning with both ways in when there is none.
/// </summary>
internal sealed partial class ApiKeyBootstrap(IServiceScopeFactory scopes, IOptions<AuthOptions> options, ILogger<ApiKeyBootstrap> logger) : IHostedService
{
    /// <summary>A command that runs as printed from the repository root (in the image: <c>./KubeAgents.Api keys ...</c>).</summary>
    public const string KeysCommandLine = "dotnet run --project src/KubeAgents.Api -- keys";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var sender = scope.ServiceProvider.GetRequiredService<ISender>();
            if (options.Value.BootstrapAdminKey is { } key)
            {
                Report(await sender.Send(new EnsureBootstrapKeyCommand(key), cancellationToken).ConfigureAwait(false));
            }

            if (options.Value.Mode == AuthMode.Keys)
            {
                var count = await sender.Send(new CountActiveApiKeysQuery(), cancellationToken).ConfigureAwait(false);
                LogActive(AuthOptions.ModeKey, count.Active, count.Admin);
                if (count.Active == 0)
                {
                    LogNoKey(AuthOptions.ModeKey, AuthOptions.BootstrapKeyKey, KeysCommandLine);
                }
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Report(BootstrapKeyResult result)
    {
        if (result.Outcome == BootstrapKeyOutcome.PrefixTaken)
        {
            throw new InvalidConfigurationException(
                $"{AuthOptions.BootstrapKeyKey} has the prefix '{result.Prefix}' of another stored key; give it a new value made with: {KeysCommandLine} generate");
        }

        if (result.Outcome == BootstrapKeyOutcome.Stored)
        {
            LogStored(AuthOptions.BootstrapKeyKey, result.Prefix);
        }

        if (result.Revoked.Count > 0)
        {
            LogRotated(AuthOptions.BootstrapKeyKey, string.Join(", ", result.Revoked), result.Prefix);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Setting} stored as admin key {Prefix} (only its hash); revoke it once you have your own admin key")]
    private partial void LogStored(string setting, string prefix);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Setting} changed: revoked the previous bootstrap key {Revoked}; the bootstrap key is now {Prefix}")]
    private partial void LogRotated(string setting, string revoked, string prefix);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Setting}=keys: {Active} active API keys, {Admin} with the admin scope")]
    private partial void LogActive(string setting, int active, int admin);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Setting}=keys and no active API key: every request but the probes will be refused. Make the first key either with {Bootstrap} (a value from: {Command} generate) or with: {Command} create --name admin --scope admin (run with this service's DB_FILE or DB_NAME settings; the in-memory store only takes {Bootstrap})")]
    private partial void LogNoKey(string setting, string bootstrap, string command);
}
