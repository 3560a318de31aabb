namespace KubeAgents.Api.Mcp;

/// <summary>
/// The API-key scope a tool needs: <see cref="Report"/> for the tools that write, <see cref="Read"/> for
/// the others. Every tool declares one; <see cref="ToolCallFilter"/> reads it before the tool runs.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
internal sealed class ToolScopeAttribute(string scope) : Attribute
{
    public const string Report = "report";
    public const string Read = "read";

    public string Scope { get; } = scope;
}
