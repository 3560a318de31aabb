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
    private static readonly string[] Names = ["running", "pending", "success", "failed"];

    /// <summary>The lower-case names, in declaration order.</summary>
    public static IReadOnlyList<string> WireNames => Names;

    /// <summary>Whether the status ends a task: a move from running to one of these is a finished session.</summary>
    public static bool IsTerminal(this SessionStatus status) => status is SessionStatus.Success or SessionStatus.Failed;

    public static string ToWireName(this SessionStatus status) => Names[(int)status];

    /// <summary>Exact, case-sensitive match of a wire name, as the original service compared them.</summary>
    public static bool TryParseWireName(string? name, out SessionStatus status)
    {
        var index = Array.IndexOf(Names, name);
        status = index < 0 ? default : (SessionStatus)index;
        return index >= 0;
    }
}
