using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

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
        services.AddSingleton<ToolOutputSchemas>();
        // The tools are made on the first MCP request (McpTools), not by WithTools<T>() at start.
        services.AddSingleton<McpTools>();
        // The SDK logs every call at Information (6 lines; an unknown tool 36, with stack traces). A call
        // logs what the REST request it wraps logs: what ErrorLog writes for a failed tool, and the SDK's warnings.
        services.AddLogging(logging => logging.AddFilter("ModelContextProtocol", LogLevel.Warning));
        services
            .AddMcpServer(options =>
            {
                options.ServerInfo = new Implementation { Name = "kubeagents", Version = typeof(McpSetup).Assembly.GetName().Version?.ToString(3) ?? "1.0.0" };
                options.ServerInstructions =
                    "KubeAgents tracks what agents are working on. Call start_session when you begin a task, report_status at "
                    + "milestones, and end_session when the task is done or has failed. Use the same agent_id and session_topic throughout. "
                    + "To read: list_agents, then get_agent_status (now), list_sessions (its tasks), get_session (one task's history) "
                    + "or get_history (everything it reported). Lists come in pages: pass next_cursor back as cursor.";
            })
            .WithHttpTransport(options => options.SessionMode = HttpServerSessionMode.Stateless)
            .WithRequestFilters(filters =>
            {
                filters.AddCallToolFilter(ToolCallFilter.Create);
                filters.AddListToolsFilter(next => async (request, cancellationToken) =>
                {
                    var services = request.Services ?? throw new InvalidOperationException("An MCP request without request services.");
                    await services.GetRequiredService<ToolOutputSchemas>().ApplyAsync(services.GetRequiredService<McpTools>().All).ConfigureAwait(false);
                    return await next(request, cancellationToken).ConfigureAwait(false);
                });
            });
        // After AddMcpServer: the SDK's own set-up starts the options' tool collection; this one adds to it.
        services.AddSingleton<IConfigureOptions<McpServerOptions>, McpTools.Setup>();
        return services;
    }

    public static WebApplication MapKubeAgentsMcp(this WebApplication app)
    {
        // After authentication and authorization (UseApi): a caller without a key gets the REST 401 first.
        app.UseWhen(McpAnswers.IsMcpPost, branch => branch.UseMiddleware<McpRequestGuard>());

        // Any key gets in (a 401 in the REST API's shape without one); each tool then checks its own
        // scope (ToolCallFilter), so a read-only key may call the read tools. Open mode: no key needed.
        app.MapMcp(Path).RequireAuthorization();
        return app;
    }
}
