using KubeAgents.Application.Common.Formatting;
using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// The words every chat channel uses for a notification's facts, unescaped: each channel escapes them
/// for its own format and cuts them to its own limits with <see cref="Truncate"/>.
/// </summary>
internal static class NotificationText
{
    public const string TruncationMark = "… [truncated]";

    /// <summary>"Session finished: success", "Session went silent".</summary>
    public static string Headline(Notification n) => n.Kind == NotificationKind.Silent
        ? "Session went silent"
        : $"Session finished: {n.Status.ToWireName()}";

    /// <summary>Label and value pairs: agent, session, status, time, duration (finished) or quiet time (silent).</summary>
    public static IReadOnlyList<(string Label, string Value)> Facts(Notification n)
    {
        ArgumentNullException.ThrowIfNull(n);
        var agent = n.AgentName is { Length: > 0 } name && name != n.AgentId ? $"{name} ({n.AgentId})" : n.AgentId;
        return n.Kind == NotificationKind.Silent
            ?
            [
                ("Agent", agent),
                ("Session", n.SessionTopic),
                ("Last status", $"{n.Status.ToWireName()} at {n.OccurredAt.ToWireTime()}"),
                ("Quiet for", LarkChannel.FormatDuration(n.QuietFor)),
            ]
            :
            [
                ("Agent", agent),
                ("Session", n.SessionTopic),
                ("Status", $"{n.PreviousStatus.ToWireName()} → {n.Status.ToWireName()}"),
                ("Timestamp", n.OccurredAt.ToWireTime()),
                ("Duration", LarkChannel.FormatDuration(n.Duration)),
            ];
    }

    /// <summary>Colour per outcome (RGB): failed red, success green, silent amber.</summary>
    public static int Colour(Notification n) => n.Kind == NotificationKind.Silent ? 0xF1C40F
        : n.Status == SessionStatus.Failed ? 0xE74C3C : 0x2ECC71;

    /// <summary>At most <paramref name="max"/> characters; when cut, it ends with <see cref="TruncationMark"/>, so a reader knows.</summary>
    public static string Truncate(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= max)
        {
            return text;
        }

        var keep = max - TruncationMark.Length;
        if (keep <= 0)
        {
            return TruncationMark[..Math.Max(max, 0)];
        }

        // Never split a surrogate pair.
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return text[..keep] + TruncationMark;
    }
}
