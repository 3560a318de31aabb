using System.Text.RegularExpressions;

namespace KubeAgents.UnitTests.Build;

/// <summary>
/// docs/configuration.md lists every setting the code reads. The settings are found in the source, not
/// in a list kept by hand: every name passed to a configuration reader (as a literal, or as a string
/// constant resolved wherever it is declared), and every <c>...Key</c> string constant, the convention
/// of the options classes (a key passed on through a helper's parameter is still found by its constant).
/// </summary>
public partial class ConfigurationReferenceTests
{
    private static readonly string Reference = Repository.Read("docs/configuration.md");

    [Fact]
    public void Every_setting_the_code_reads_is_documented()
    {
        var settings = SettingsReadBySource();

        settings.Should().Contain(["PORT", "DB_STARTUP_TIMEOUT", "SESSION_SWEEP_INTERVAL_SECONDS", "ConnectionStrings__KubeAgents"], "the scan finds the settings");
        settings.Where(name => !Reference.Contains($"`{name}`", StringComparison.OrdinalIgnoreCase))
            .Should().BeEmpty("docs/configuration.md lists every setting the code reads, in a code span, with its default and range");
    }

    [Fact]
    public void Every_documented_setting_row_gives_a_default_and_a_meaning()
    {
        var rows = Reference.Split('\n').Where(line => line.StartsWith("| `", StringComparison.Ordinal)).ToList();

        rows.Should().NotBeEmpty();
        rows.Should().AllSatisfy(row => row.Split('|', StringSplitOptions.TrimEntries).Where(cell => cell.Length > 0).Should().HaveCount(3, row));
    }

    private static SortedSet<string> SettingsReadBySource()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(Repository.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsGenerated(path))
            .ToDictionary(path => path, File.ReadAllText);
        var constants = sources.Values.SelectMany(text => StringConstant().Matches(text))
            .GroupBy(m => m.Groups["name"].Value)
            .ToDictionary(g => g.Key, g => g.Select(m => m.Groups["value"].Value).ToList());

        var settings = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (name, values) in constants.Where(c => c.Key.EndsWith("Key", StringComparison.Ordinal)))
        {
            settings.UnionWith(values);
        }

        foreach (Match read in sources.Values.SelectMany(text => ConfigurationRead().Matches(text)))
        {
            var argument = read.Groups["argument"].Value.Trim();
            var names = argument.StartsWith('"')
                ? [argument.Trim('"')]
                : constants.GetValueOrDefault(argument.Split('.')[^1]) ?? [];
            var connectionString = read.Groups["reader"].Value == "GetConnectionString";
            settings.UnionWith(names.Select(name => connectionString ? $"ConnectionStrings__{name}" : name));
        }

        return settings;
    }

    private static bool IsGenerated(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ||
        path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ||
        path.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    [GeneratedRegex("""const\s+string\s+(?<name>\w+)\s*=\s*"(?<value>[^"]+)"\s*;""")]
    private static partial Regex StringConstant();

    /// <summary>A configuration reader with its first argument: <c>GetSetting(PortKey)</c>, <c>configuration["PORT"]</c>, <c>GetEnvironmentVariable("X")</c>.</summary>
    [GeneratedRegex("""(?:\b(?<reader>GetSetting|GetInt32Setting|GetDurationSetting|GetChoiceSetting|GetConnectionString|GetEnvironmentVariable|GetValue<[^>]+>|GetSection|ParseInt32)\(\s*(?<argument>"[^"]+"|[\w.]+)|[cC]onfiguration\[\s*(?<argument>"[^"]+"|[\w.]+)\s*\])""")]
    private static partial Regex ConfigurationRead();
}
