using KubeAgents.Domain.Common;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Domain.Notifications;

/// <summary>What a route subscribes to. <c>finished</c> is success or failed; <c>failed</c> is failed only.</summary>
[Flags]
public enum NotificationEvents
{
    None = 0,
    Finished = 1,
    Failed = 2,
    Silent = 4,
}

/// <summary>What a notification announces; its wire name is the <c>type</c> of the JSON event.</summary>
public enum NotificationKind
{
    /// <summary>A session's current status moved from running to success or failed.</summary>
    Finished,

    /// <summary>A live session (running or pending) expired: its agent stopped reporting mid-task.</summary>
    Silent,
}

public static class NotificationEventNames
{
    /// <summary>The event names a route's <c>events</c> accepts, in flag order.</summary>
    public static IReadOnlyList<string> All { get; } = ["finished", "failed", "silent"];

    public static string List => string.Join(", ", All);

    /// <summary>The kinds' wire names: <c>session.finished</c>, <c>session.silent</c>.</summary>
    public static WireNames<NotificationKind> Kinds { get; } = new("session.finished", "session.silent");

    public static string ToWireName(this NotificationKind kind) => Kinds.Of(kind);

    public static bool TryParse(string? name, out NotificationEvents value)
    {
        var index = name is null ? -1 : All.ToList().IndexOf(name);
        value = index < 0 ? NotificationEvents.None : (NotificationEvents)(1 << index);
        return index >= 0;
    }

    /// <summary>The names of the set flags, in flag order.</summary>
    public static IReadOnlyList<string> Names(NotificationEvents events) =>
        [.. All.Where((_, i) => events.HasFlag((NotificationEvents)(1 << i)))];

    /// <summary>Whether a route subscribed to <paramref name="events"/> wants this kind of notification about a session in <paramref name="status"/>.</summary>
    public static bool Wants(this NotificationEvents events, NotificationKind kind, SessionStatus status) => kind switch
    {
        NotificationKind.Silent => events.HasFlag(NotificationEvents.Silent),
        _ => events.HasFlag(NotificationEvents.Finished) || (status == SessionStatus.Failed && events.HasFlag(NotificationEvents.Failed)),
    };
}
