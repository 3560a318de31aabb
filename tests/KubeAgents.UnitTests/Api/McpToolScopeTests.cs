using System.Reflection;
using KubeAgents.Api.Mcp;
using ModelContextProtocol.Server;

namespace KubeAgents.UnitTests.Api;

public class McpToolScopeTests
{
    [Fact]
    public void Every_tool_declares_its_scope_report_for_writes_and_read_for_the_rest()
    {
        var scopes = Tools().ToDictionary(m => m.GetCustomAttribute<McpServerToolAttribute>()!.Name!, m => m.GetCustomAttribute<ToolScopeAttribute>()?.Scope);

        scopes.Should().BeEquivalentTo(new Dictionary<string, string?>
        {
            ["start_session"] = "report",
            ["report_status"] = "report",
            ["end_session"] = "report",
            ["list_agents"] = "read",
            ["get_agent"] = "read",
            ["list_sessions"] = "read",
            ["get_session"] = "read",
            ["get_history"] = "read",
            ["get_agent_status"] = "read",
        });
    }

    [Fact]
    public void Every_tool_names_the_REST_operation_its_output_schema_comes_from()
    {
        Tools().Should().OnlyContain(m => m.GetCustomAttribute<RestOperationAttribute>() != null);
        Tools().Where(m => m.GetCustomAttribute<ToolScopeAttribute>()!.Scope == "read")
            .Should().OnlyContain(m => m.GetCustomAttribute<RestOperationAttribute>()!.Method == "GET");
    }

    private static IEnumerable<MethodInfo> Tools() =>
        new[] { typeof(ReportTools), typeof(ReadTools) }
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            .Where(m => m.GetCustomAttribute<McpServerToolAttribute>() is not null);
}
