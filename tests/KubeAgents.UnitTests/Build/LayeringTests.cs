using System.Diagnostics.Metrics;
using KubeAgents.Api.Configuration;
using KubeAgents.Infrastructure.Persistence;

namespace KubeAgents.UnitTests.Build;

/// <summary>
/// What the Api may know of the layers below it: the settings through their home
/// (<c>KubeAgents.Application.Common.Settings</c>), never <c>KubeAgents.Infrastructure.Configuration</c>
/// outside the composition root; no store's driver at all: each store brings its own telemetry.
/// </summary>
public class LayeringTests
{
    private static readonly string[] CompositionRoot = ["Program.cs", "DependencyInjection.cs"];

    [Fact]
    public void The_Api_assembly_references_no_Npgsql_type()
    {
        var referenced = typeof(TelemetryOptions).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        referenced.Should().Contain("KubeAgents.Infrastructure", "the check looks at the Api's real references");
        referenced.Should().NotContain(name => name.StartsWith("Npgsql", StringComparison.OrdinalIgnoreCase),
            "PostgreSQL's telemetry and connection details live in its store folder (StoreDefinition.Telemetry, Describe)");
    }

    [Fact]
    public void No_Api_source_names_Npgsql()
    {
        ApiSources().Where(file => file.Text.Contains("using Npgsql", StringComparison.Ordinal)).Select(file => file.Path)
            .Should().BeEmpty();
    }

    [Fact]
    public void Only_the_Api_composition_root_imports_the_infrastructure_settings()
    {
        var sources = ApiSources();

        sources.Should().Contain(file => Path.GetFileName(file.Path) == "Program.cs", "the scan reads the Api's sources");
        sources.Where(file => file.Text.Contains("using KubeAgents.Infrastructure.Configuration;", StringComparison.Ordinal))
            .Select(file => file.Path)
            .Where(path => !(CompositionRoot.Contains(Path.GetFileName(path)) && Path.GetDirectoryName(path) == ApiFolder))
            .Should().BeEmpty("settings reach the Api as typed options from KubeAgents.Application.Common.Settings");
    }

    /// <summary>Its activity source is created with the first command, so its name is checked on a real server (<c>TracingTests</c>).</summary>
    [Fact]
    public void The_PostgreSQL_store_names_the_meter_its_driver_publishes()
    {
        var telemetry = Stores.All.Single(store => store.Name == "PostgreSQL").Telemetry;
        var meters = new List<string>();
        using var instruments = new MeterListener { InstrumentPublished = (instrument, _) => Record(meters, instrument.Meter.Name) };
        instruments.Start();

        // Making a data source publishes Npgsql's instruments; no server is contacted.
        using var dataSource = Npgsql.NpgsqlDataSource.Create("Host=127.0.0.1;Database=none");

        telemetry.Meters.Should().NotBeEmpty().And.OnlyContain(name => meters.Contains(name));
        telemetry.ActivitySources.Should().NotBeEmpty();
    }

    private static void Record(List<string> names, string name)
    {
        lock (names)
        {
            names.Add(name);
        }
    }

    private static string ApiFolder { get; } = Path.Combine(Repository.Root, "src", "KubeAgents.Api");

    private static List<(string Path, string Text)> ApiSources() =>
        Directory.EnumerateFiles(ApiFolder, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(path => (path, File.ReadAllText(path)))
            .ToList();
}
