using KubeAgents.Api.Startup;
using KubeAgents.Application.Notifications.Routes;
using KubeAgents.Application.Notifications.Routes.Commands.CreateRoute;
using KubeAgents.Application.Notifications.Routes.Commands.DeleteRoute;
using KubeAgents.Application.Notifications.Routes.Commands.TestRoute;
using KubeAgents.Application.Notifications.Routes.Queries.ListRoutes;
using Mediator;

namespace KubeAgents.Api.Notifications;

/// <summary>
/// <c>dotnet KubeAgents.Api.dll routes ...</c>: notification routes against the configured store, as
/// <c>keys</c> manages keys. Results on stdout (tab-separated, URLs masked), the rest on stderr. Exit
/// codes: 0 done, 1 no such route or the test was not delivered, 2 usage or configuration.
/// </summary>
internal static class RoutesCommand
{
    public const string Verb = "routes";

    private const string Usage = """
        usage: dotnet KubeAgents.Api.dll routes <command>
          routes add --name <name> --channel <slack|discord|teams|lark|json> --url <url>
                     [--secret <secret>] [--agent <glob>] [--topic <glob>] [--events finished,failed,silent]
                                   prints the new route's line
          routes list              id, name, channel, url (host and last 4 characters), events, agent filter, topic filter (tab-separated; - when none)
          routes test <id>         sends a sample message; prints delivered|not-delivered, the receiver's status and the error
          routes remove <id>       deletes the route
        The store is the service's: DB_NAME and DB_* (PostgreSQL) or DB_FILE (the embedded store).
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var add = args is ["add", .. var options] ? ParseAdd(options) : null;
        Guid id = default;
        if ((args is not (["list"] or ["test", _] or ["remove", _]) && add is null)
            || (args is ["test" or "remove", var text] && !Guid.TryParse(text, out id)))
        {
            await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        return await StoreCommandHost.RunAsync(Verb, args[0], sender => args switch
        {
            ["list"] => ListAsync(sender),
            ["test", _] => TestAsync(sender, id),
            ["remove", _] => RemoveAsync(sender, id),
            _ => AddAsync(sender, add!),
        }).ConfigureAwait(false);
    }

    internal static string Line(NotificationRouteDto route) => string.Join('\t',
        route.Id, route.Name, route.Channel, route.Url, string.Join(',', route.Events), route.AgentFilter ?? "-", route.TopicFilter ?? "-");

    /// <returns>The command, or null when the options are not pairs of known flags.</returns>
    private static CreateRouteCommand? ParseAdd(string[] options)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Length; i += 2)
        {
            if (i + 1 >= options.Length || options[i] is not ("--name" or "--channel" or "--url" or "--secret" or "--agent" or "--topic" or "--events"))
            {
                return null;
            }

            values[options[i]] = options[i + 1];
        }

        return new CreateRouteCommand(
            values.GetValueOrDefault("--name", string.Empty),
            values.GetValueOrDefault("--channel", string.Empty),
            values.GetValueOrDefault("--url", string.Empty),
            values.GetValueOrDefault("--secret"),
            values.GetValueOrDefault("--agent"),
            values.GetValueOrDefault("--topic"),
            values.TryGetValue("--events", out var events) ? events.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null);
    }

    private static async Task<int> AddAsync(ISender sender, CreateRouteCommand command)
    {
        Console.WriteLine(Line(await sender.Send(command).ConfigureAwait(false)));
        return 0;
    }

    private static async Task<int> ListAsync(ISender sender)
    {
        foreach (var route in (await sender.Send(new ListRoutesQuery()).ConfigureAwait(false)).Routes)
        {
            Console.WriteLine(Line(route));
        }

        return 0;
    }

    private static async Task<int> TestAsync(ISender sender, Guid id)
    {
        var result = await sender.Send(new TestRouteCommand(id)).ConfigureAwait(false);
        Console.WriteLine(string.Join('\t', result.Delivered ? "delivered" : "not-delivered", result.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", result.Error ?? "-"));
        return result.Delivered ? 0 : 1;
    }

    private static async Task<int> RemoveAsync(ISender sender, Guid id)
    {
        Console.WriteLine(Line(await sender.Send(new DeleteRouteCommand(id)).ConfigureAwait(false)));
        return 0;
    }
}
