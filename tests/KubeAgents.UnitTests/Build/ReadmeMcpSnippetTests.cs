using System.Text.Json;
using System.Text.RegularExpressions;

namespace KubeAgents.UnitTests.Build;

/// <summary>The MCP client configurations (docs/mcp.md) and hook settings are valid JSON in each client's documented shape.</summary>
public partial class ReadmeMcpSnippetTests
{
    private static readonly string Section = ReadSection();

    [Fact]
    public void Claude_Code_adds_the_server_over_http()
    {
        Section.Should().Contain("claude mcp add --transport http kubeagents http://localhost:8080/mcp\n");
        Section.Should().Contain("claude mcp add --transport http kubeagents http://localhost:8080/mcp --header \"Authorization: Bearer $KUBEAGENTS_API_KEY\"");
    }

    [Fact]
    public void Cursor_lists_it_under_mcpServers_with_url_and_headers()
    {
        var server = Json("mcpServers").GetProperty("mcpServers").GetProperty("kubeagents");
        server.GetProperty("url").GetString().Should().Be("http://localhost:8080/mcp");
        server.GetProperty("headers").GetProperty("Authorization").GetString().Should().StartWith("Bearer ");
    }

    [Fact]
    public void VS_Code_lists_it_under_servers_as_http_with_a_secret_input()
    {
        var config = Json("servers");
        var server = config.GetProperty("servers").GetProperty("kubeagents");
        server.GetProperty("type").GetString().Should().Be("http");
        server.GetProperty("url").GetString().Should().Be("http://localhost:8080/mcp");
        var input = config.GetProperty("inputs")[0];
        input.GetProperty("password").GetBoolean().Should().BeTrue();
        server.GetProperty("headers").GetProperty("Authorization").GetString().Should().Be($"Bearer ${{input:{input.GetProperty("id").GetString()}}}");
    }

    [Fact]
    public void Claude_Code_hooks_run_the_recipe_on_the_events_it_maps()
    {
        var hooks = Json("hooks").GetProperty("hooks");
        hooks.EnumerateObject().Select(e => e.Name).Should().BeEquivalentTo("SessionStart", "UserPromptSubmit", "Stop", "SessionEnd");
        foreach (var hook in hooks.EnumerateObject())
        {
            var command = hook.Value[0].GetProperty("hooks")[0];
            command.GetProperty("type").GetString().Should().Be("command");
            command.GetProperty("command").GetString().Should().EndWith("/kubeagents-hook.sh");
        }
    }

    private static JsonElement Json(string topLevelMember) =>
        JsonBlock().Matches(Section).Select(m => JsonDocument.Parse(m.Groups[1].Value).RootElement)
            .Single(e => e.TryGetProperty(topLevelMember, out _));

    /// <summary>docs/mcp.md, where the README's MCP section moved (issue 23: the README is a front page).</summary>
    private static string ReadSection() => File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "mcp.md"));

    [GeneratedRegex("```json\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();

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
