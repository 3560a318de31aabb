using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests.Notifications;

/// <summary><c>dotnet KubeAgents.Api.dll routes ...</c> against the configured store with no server running, as <c>keys</c>.</summary>
public sealed class RoutesCommandTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [SkippableTheory]
    [BothStores]
    public async Task Routes_are_added_listed_tested_and_removed_from_the_command_line(StoreKind store)
    {
        var directory = Directory.CreateTempSubdirectory("kubeagents-routes-").FullName;
        try
        {
            await RunAsync(store, directory);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task RunAsync(StoreKind store, string directory)
    {
        var environment = new Dictionary<string, string?>();
        if (store == StoreKind.Postgres)
        {
            var server = await PostgresServer.GetOrSkipAsync();
            environment["ConnectionStrings__KubeAgents"] = await server.CreateDatabaseAsync("routes_cli");
        }
        else
        {
            environment["DB_FILE"] = Path.Combine(directory, "kubeagents.db");
        }

        var url = $"{_receiver.Url}/T01/B02/tokenSECRETwxyz";
        var added = await ServiceProcess.RunCommandAsync(environment, "routes", "add", "--name", "ops", "--channel", "slack", "--url", url, "--events", "failed,silent", "--agent", "ci-*");
        added.ExitCode.Should().Be(0, added.ToString());
        var fields = added.Output.Trim().Split('\t');
        fields[1..].Should().Equal("ops", "slack", "127.0.0.1…wxyz", "failed,silent", "ci-*", "-");
        var id = fields[0];

        var listed = await ServiceProcess.RunCommandAsync(environment, "routes", "list");
        listed.Output.Should().Be(added.Output);
        var tested = await ServiceProcess.RunCommandAsync(environment, "routes", "test", id);
        tested.ExitCode.Should().Be(0, tested.ToString());
        tested.Output.Trim().Should().Be("delivered\t200\t-");
        (await _receiver.WaitForAsync(1)).Single().Body.Should().Contain("\"blocks\"");
        var removed = await ServiceProcess.RunCommandAsync(environment, "routes", "remove", id);
        removed.ExitCode.Should().Be(0, removed.ToString());
        var again = await ServiceProcess.RunCommandAsync(environment, "routes", "remove", id);
        again.ExitCode.Should().Be(1);
        again.Errors.Should().Contain("not found");
        var invalid = await ServiceProcess.RunCommandAsync(environment, "routes", "add", "--name", "x", "--channel", "pager", "--url", url);
        invalid.ExitCode.Should().Be(2);
        invalid.Errors.Should().Contain("channel must be one of");
        (added.ToString() + listed + tested + removed + again + invalid).Should().NotContain("tokenSECRET");
    }
}
