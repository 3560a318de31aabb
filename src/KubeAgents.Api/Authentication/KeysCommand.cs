using System.Globalization;
using KubeAgents.Application.ApiKeys;
using KubeAgents.Application.ApiKeys.Commands.CreateApiKey;
using KubeAgents.Application.ApiKeys.Commands.RevokeApiKey;
using KubeAgents.Application.ApiKeys.Queries.ListApiKeys;
using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.Infrastructure;
using KubeAgents.Infrastructure.Configuration;
using KubeAgents.Infrastructure.Persistence;
using Mediator;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace KubeAgents.Api.Authentication;

/// <summary>
/// <c>dotnet run --project src/KubeAgents.Api -- keys ...</c> from the repository root (in the image:
/// <c>dotnet KubeAgents.Api.dll keys ...</c>): key management against the configured store (the same
/// settings as the service: <c>DB_NAME</c>/<c>DB_*</c> or <c>DB_FILE</c>), with no server running.
/// Output is for scripts: results on stdout (one key's text; or one tab-separated line per key),
/// everything else on stderr. Exit codes: 0 done, 1 failed (no such key, the store unreachable), 2 usage or configuration;
/// a failure is one line on stderr.
/// </summary>
internal static class KeysCommand
{
    public const string Verb = "keys";

    private const string Usage = """
        usage: dotnet run --project src/KubeAgents.Api -- keys <command>   (from the repository root; in the image: dotnet KubeAgents.Api.dll keys <command>)
          keys create --name <name> --scope <report|read|admin> [--scope ...]   prints the new key (shown once)
          keys list                                                        prefix, name, scopes, created_at, last_used_at, revoked_at (tab-separated; - when none)
          keys revoke <prefix>                                             revokes the key ka_<prefix>_...
          keys generate                                                    prints a new key without storing it (for BOOTSTRAP_ADMIN_KEY)
        The store is the service's: DB_NAME and DB_* (PostgreSQL) or DB_FILE (the embedded store).
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["generate"])
        {
            Console.WriteLine(ApiKeySecret.Generate());
            return 0;
        }

        var create = args is ["create", .. var options] ? ParseCreate(options) : null;
        if (args is not (["list"] or ["revoke", _]) && create is null)
        {
            await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        WebApplication app;
        try
        {
            var store = Stores.Select(builder.Configuration);
            if (!store.IsDurable(builder.Configuration))
            {
                throw new InvalidConfigurationException(
                    $"the keys command needs the service's store: set {Stores.DurableChoices()}; the in-memory store lives only inside a running service.");
            }

            builder.AddApiServices();
            builder.Logging.ClearProviders();
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            // The command's own line says what went wrong; a store it waits for is not worth a line a try.
            // A console rule outranks appsettings.json's "Default" (a rule without a provider).
            builder.Logging.AddFilter<ConsoleLoggerProvider>(category: null, LogLevel.Error);
            app = builder.Build();
        }
        catch (Exception ex)
        {
            return await FailAsync(args[0], ex, describe: null).ConfigureAwait(false);
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.Services.MigrateStoreAsync(CancellationToken.None).ConfigureAwait(false);
                await using var scope = app.Services.CreateAsyncScope();
                var sender = scope.ServiceProvider.GetRequiredService<ISender>();
                return args switch
                {
                    ["list"] => await ListAsync(sender).ConfigureAwait(false),
                    ["revoke", var prefix] => await RevokeAsync(sender, prefix).ConfigureAwait(false),
                    _ => await CreateAsync(sender, create!).ConfigureAwait(false),
                };
            }
            catch (Exception ex)
            {
                return await FailAsync(args[0], ex, app.Services.GetRequiredService<IStoreFailureClassifier>()).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// One line on stderr, never a stack trace, and an exit code a script can act on: 2 when the
    /// request or the settings are wrong (a retry will not help), 1 when it failed (no such key, the
    /// store unreachable or broken).
    /// </summary>
    private static async Task<int> FailAsync(string command, Exception failure, IStoreFailureClassifier? describe)
    {
        var (code, line) = failure switch
        {
            InvalidConfigurationException or OptionsValidationException => (2, $"Invalid configuration: {failure.Message}"),
            RequestValidationException => (2, failure.Message),
            NotFoundException => (1, failure.Message),
            StoreUnavailableException => (1, $"keys {command} failed: {failure.Message}"), // already names the store, the timeout and the cause
            _ => (1, $"keys {command} failed: {describe?.Describe(failure) ?? failure.Message}"),
        };
        await Console.Error.WriteLineAsync(line.ReplaceLineEndings(" ")).ConfigureAwait(false);
        return code;
    }

    /// <returns>The command, or null when the options are not <c>--name N --scope S [...]</c>.</returns>
    private static CreateApiKeyCommand? ParseCreate(string[] options)
    {
        string? name = null;
        var scopes = new List<string>();
        for (var i = 0; i < options.Length; i += 2)
        {
            if (i + 1 >= options.Length)
            {
                return null;
            }

            switch (options[i])
            {
                case "--name":
                    name = options[i + 1];
                    break;
                case "--scope":
                    scopes.AddRange(options[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                default:
                    return null;
            }
        }

        return new CreateApiKeyCommand(name ?? string.Empty, scopes);
    }

    private static async Task<int> CreateAsync(ISender sender, CreateApiKeyCommand command)
    {
        var created = await sender.Send(command).ConfigureAwait(false);
        Console.WriteLine(created.Key);
        await Console.Error.WriteLineAsync(
            $"created key {created.Prefix} ({created.Name}, scopes {string.Join(',', created.Scopes)}); the line above is its only copy").ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> ListAsync(ISender sender)
    {
        var list = await sender.Send(new ListApiKeysQuery()).ConfigureAwait(false);
        foreach (var key in list.Keys)
        {
            Console.WriteLine(Line(key));
        }

        return 0;
    }

    private static async Task<int> RevokeAsync(ISender sender, string prefix)
    {
        var revoked = await sender.Send(new RevokeApiKeyCommand(prefix)).ConfigureAwait(false);
        Console.WriteLine(Line(revoked));
        return 0;
    }

    internal static string Line(ApiKeyDto key) => string.Join('\t',
        key.Prefix, key.Name, string.Join(',', key.Scopes), Time(key.CreatedAt), Time(key.LastUsedAt), Time(key.RevokedAt));

    private static string Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";
}
