using System.Reflection;
using KubeAgents.Api.Mcp;
using ModelContextProtocol.Server;

namespace KubeAgents.UnitTests.Api;

public class McpToolScopeTests
{
    [Fact]
    public void Every_tool_declares_its_scope_report_for_writes_and_read_for_the_rest()
    {
        var scopes = typeof(KubeAgentsTools).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.GetCustomAttribute<McpServerToolAttribute>() is not null)
            .ToDictionary(m => m.GetCustomAttribute<McpServerToolAttribute>()!.Name!, m => m.GetCustomAttribute<ToolScopeAttribute>()?.Scope);

        scopes.Should().BeEquivalentTo(new Dictionary<string, string?>
        {
            ["start_session"] = "report",
            ["report_status"] = "report",
            ["end_session"] = "report",
            ["list_agents"] = "read",
            ["get_agent"] = "read",
            ["get_session"] = "read",
            ["get_agent_status"] = "read",
        });
    }
}
