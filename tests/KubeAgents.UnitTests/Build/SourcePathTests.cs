using KubeAgents.Application.Common.Settings;
using KubeAgents.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;

namespace KubeAgents.UnitTests.Build;

public class SourcePathTests
{
    [Fact]
    public void Stack_traces_carry_no_build_machine_path()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("DB_NAME", "k"), new("DB_PORT", "five")])
            .Build();

        var thrown = FluentActions.Invoking(() => DatabaseSettings.GetPostgresConnectionString(configuration))
            .Should().Throw<InvalidConfigurationException>().Which;

        // The frames have file names (the pdb is there), mapped to /src/..., never where the build ran.
        var trace = thrown.StackTrace!;
        trace.Should().Contain(" in /src/KubeAgents.Infrastructure/Configuration/");
        trace.Should().NotContain(RepositoryRoot());
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KubeAgents.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("KubeAgents.sln not found above the test folder.");
    }
}
