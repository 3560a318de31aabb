using KubeAgents.Api.Mcp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace KubeAgents.UnitTests.Api;

/// <summary>
/// The MCP tools are made on the first MCP request, once, not while the endpoint is mapped at start
/// (ADR-006, round 7): what <c>MapMcp</c> resolves leaves them unmade, and every per-request options
/// instance the SDK makes in stateless mode carries the same nine instances.
/// </summary>
public class McpToolsTests
{
    [Fact]
    public void Tools_are_made_on_first_use_once_and_shared_by_every_options_instance()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddKubeAgentsMcp();
        using var provider = services.BuildServiceProvider();

        // What MapMcp's handler takes at start: the options factory, with every set-up it runs.
        var factory = provider.GetRequiredService<IOptionsFactory<McpServerOptions>>();
        var tools = provider.GetRequiredService<McpTools>();
        tools.AreMade.Should().BeFalse("nothing at start asks for the tools");
        provider.GetServices<McpServerTool>().Should().BeEmpty("no tool is a container singleton that resolving the options would make");

        var first = factory.Create(Options.DefaultName).ToolCollection;
        var second = factory.Create(Options.DefaultName).ToolCollection;

        tools.AreMade.Should().BeTrue();
        first.Should().NotBeNull();
        first!.Select(t => t.ProtocolTool.Name).Should().BeEquivalentTo(
            "start_session", "report_status", "end_session", "list_agents", "get_agent", "list_sessions", "get_session", "get_history", "get_agent_status");
        second.Should().NotBeNull().And.NotBeSameAs(first, "stateless mode makes options per request");
        second!.Should().BeEquivalentTo(first, o => o.Using<McpServerTool>(c => c.Subject.Should().BeSameAs(c.Expectation)).WhenTypeIs<McpServerTool>(),
            "each request's options carry the tools made once");
        first.Single(t => t.ProtocolTool.Name == "list_agents").ProtocolTool.InputSchema.GetProperty("properties").GetProperty("status").GetProperty("enum")
            .EnumerateArray().Should().Contain(v => v.ValueKind == System.Text.Json.JsonValueKind.Null, "the input schemas are rewritten when the tools are made");
    }
}
