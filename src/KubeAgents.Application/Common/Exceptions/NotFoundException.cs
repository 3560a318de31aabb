namespace KubeAgents.Application.Common.Exceptions;

/// <summary>The resource a query names does not exist; the Api answers 404 <c>not_found</c>.</summary>
public sealed class NotFoundException : Exception
{
    public NotFoundException()
    {
    }

    public NotFoundException(string message)
        : base(message)
    {
    }

    public NotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The one wording of an unknown agent.</summary>
    public static NotFoundException Agent(string agentId) => new($"agent '{agentId}' not found");
}
