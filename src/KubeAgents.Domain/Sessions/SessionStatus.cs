using KubeAgents.Domain.Common;

namespace KubeAgents.Domain.Sessions;

/// <summary>The status an agent reports for a task. Its name on the wire and in storage is lower case.</summary>
public enum SessionStatus
{
    Running,
    Pending,
    Success,
    Failed,
}

public static class SessionStatusExtensions
{
    /// <summary>The lower-case names, in declaration order.</summary>
    public static WireNames<SessionStatus> Wire { get; } = new("running", "pending", "success", "failed");

    /// <summary>The lower-case names, in declaration order.</summary>
    public static IReadOnlyList<string> WireNames => Wire.All;

    /// <summary>Whether the status ends a task: a move from running to one of these is a finished session.</summary>
    public static bool IsTerminal(this SessionStatus status) => status is SessionStatus.Success or SessionStatus.Failed;

    public static string ToWireName(this SessionStatus status) => Wire.Of(status);

    /// <summary>Exact, case-sensitive match of a wire name, as the original service compared them.</summary>
    public static bool TryParseWireName(string? name, out SessionStatus status) => Wire.TryParse(name, out status);
}
