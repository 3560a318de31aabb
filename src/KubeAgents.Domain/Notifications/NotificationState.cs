using KubeAgents.Domain.Common;

namespace KubeAgents.Domain.Notifications;

public enum NotificationState
{
    /// <summary>Waiting for its first or next attempt.</summary>
    Pending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Every attempt failed; kept with its last error.</summary>
    Failed,
}

/// <summary>The one spelling of each state on the wire, in queries and in storage: lower case.</summary>
public static class NotificationStateExtensions
{
    /// <summary>The lower-case names, in declaration order.</summary>
    public static WireNames<NotificationState> Wire { get; } = new("pending", "delivered", "failed");

    /// <summary>The lower-case names, in declaration order.</summary>
    public static IReadOnlyList<string> WireNames => Wire.All;

    public static string ToWireName(this NotificationState state) => Wire.Of(state);

    /// <summary>Exact, case-sensitive match of a wire name.</summary>
    public static bool TryParseWireName(string? name, out NotificationState state) => Wire.TryParse(name, out state);
}
