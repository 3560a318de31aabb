namespace KubeAgents.Api.Mcp;

/// <summary>
/// The REST operation a tool wraps, as the OpenAPI document names it (method and path template). The
/// tool's <c>outputSchema</c> is that operation's 200 and error response schemas
/// (<see cref="ToolOutputSchemas"/>), so the document and the tools cannot drift apart.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
internal sealed class RestOperationAttribute(string method, string path) : Attribute
{
    public string Method { get; } = method;

    public string Path { get; } = path;
}
