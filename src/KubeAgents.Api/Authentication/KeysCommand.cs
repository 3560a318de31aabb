using System.Globalization;
using KubeAgents.Api.Startup;
using KubeAgents.Application.ApiKeys;
using KubeAgents.Application.ApiKeys.Commands.CreateApiKey;
using KubeAgents.Application.ApiKeys.Commands.RevokeApiKey;
using KubeAgents.Application.ApiKeys.Queries.ListApiKeys;
using KubeAgents.Domain.ApiKeys;
using Mediator;

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
        usage: dotnet run --project src/KubeAgents.Api -- keys <command>   (from the repository root; in the image: ./KubeAgents.Api keys <command>)
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

        return await StoreCommandHost.RunAsync(Verb, args[0], sender => args switch
        {
            ["list"] => ListAsync(sender),
            ["revoke", var prefix] => RevokeAsync(sender, prefix),
            _ => CreateAsync(sender, create!),
        }).ConfigureAwait(false);
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
