using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Protocol;

namespace KubeAgents.Api.Mcp;

/// <summary>
/// The Model Context Protocol endpoint at <c>/mcp</c> (Streamable HTTP): agents report through tools
/// instead of the webhook, in the same process and port. Stateless: each POST is complete in itself,
/// so any replica behind a load balancer answers it, without session affinity or shared session state.
/// </summary>
internal static class McpSetup
{
    public const string Path = "/mcp";

    public static IServiceCollection AddKubeAgentsMcp(this IServiceCollection services)
    {
        services.AddScoped<ToolResults>();
        services.AddSingleton<IToolAuthorizer, PolicyToolAuthorizer>();
        services
            .AddMcpServer(options =>
            {
                options.ServerInfo = new Implementation { Name = "kubeagents", Version = typeof(McpSetup).Assembly.GetName().Version?.ToString(3) ?? "1.0.0" };
                options.ServerInstructions =
                    "KubeAgents tracks what agents are working on. Call start_session when you begin a task, report_status at "
                    + "milestones, and end_session when the task is done or has failed. Use the same agent_id and session_topic throughout.";
            })
            .WithHttpTransport(options => options.SessionMode = HttpServerSessionMode.Stateless)
            .WithTools<KubeAgentsTools>()
            .WithRequestFilters(filters => filters.AddCallToolFilter(ToolCallFilter.Create));
        return services;
    }

    public static WebApplication MapKubeAgentsMcp(this WebApplication app)
    {
        // Any key gets in (a 401 in the REST API's shape without one); each tool then checks its own
        // scope (ToolCallFilter), so a read-only key may call the read tools. Open mode: no key needed.
        app.MapMcp(Path).RequireAuthorization();
        return app;
    }
}
