using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace KubeAgents.Api.Mcp;

/// <summary>
/// The server's tools (<see cref="ReportTools"/>, <see cref="ReadTools"/>), made once, when the first MCP
/// request reads the server's options, not at start. The SDK's <c>WithTools&lt;T&gt;()</c> registers each
/// tool as a singleton that <c>MapMcp</c> builds while the endpoint is mapped: reflection over the
/// method and a JSON schema export for each of the nine, about a tenth of the time to the first 200.
/// These are the same tools, made by the same <c>McpServerTool.Create</c> call as <c>WithTools&lt;T&gt;()</c>
/// makes, with the same target (a new instance per call, from the request's services).
/// </summary>
internal sealed class McpTools
{
    private readonly Lazy<IReadOnlyList<McpServerTool>> _tools;

    public McpTools(IServiceProvider services) =>
        _tools = new(() => [.. Create<ReportTools>(services), .. Create<ReadTools>(services)]);

    /// <summary>The tools, each with the input schema <see cref="ToolInputSchemas"/> makes; built on first use.</summary>
    public IReadOnlyList<McpServerTool> All => _tools.Value;

    /// <summary>Whether anything has asked for the tools yet.</summary>
    internal bool AreMade => _tools.IsValueCreated;

    private static IEnumerable<McpServerTool> Create<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods | DynamicallyAccessedMemberTypes.PublicConstructors)] TTools>(IServiceProvider services)
    {
        foreach (var method in typeof(TTools).GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<McpServerToolAttribute>() is null)
            {
                continue;
            }

            var tool = McpServerTool.Create(
                method,
                static request => ActivatorUtilities.CreateInstance(request.Services ?? throw new InvalidOperationException("An MCP request without request services."), typeof(TTools)),
                new McpServerToolCreateOptions { Services = services });
            tool.ProtocolTool.InputSchema = ToolInputSchemas.WithNullInOptionalEnums(tool.ProtocolTool.InputSchema);
            yield return tool;
        }
    }

    /// <summary>
    /// Adds the tools to each <see cref="McpServerOptions"/> the SDK makes: in stateless mode it makes one
    /// per request, so this runs per request and must stay cheap (the tools themselves are made once).
    /// </summary>
    internal sealed class Setup(McpTools tools) : IConfigureOptions<McpServerOptions>
    {
        public void Configure(McpServerOptions options)
        {
            var collection = options.ToolCollection ?? [];
            foreach (var tool in tools.All)
            {
                collection.TryAdd(tool);
            }

            options.ToolCollection = collection;
        }
    }
}
