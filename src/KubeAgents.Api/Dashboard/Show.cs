using System.Globalization;
using KubeAgents.Application.Dashboard;
using KubeAgents.Application.Dashboard.Queries.GetAgentsBoard;
using KubeAgents.Domain.Common;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Api.Dashboard;

/// <summary>What the views write: links, times, badges.</summary>
public static class Show
{
    public static string AgentUrl(string agentId) => "/agents/" + Uri.EscapeDataString(agentId);

    public static string SessionUrl(string agentId, string topic) => AgentUrl(agentId) + "/sessions/" + Uri.EscapeDataString(topic);

    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Absolute(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Status(SessionStatus? status) => status?.ToWireName() ?? "none";

    public static WireNames<AgentSort> Sorts { get; } = new("attention", "last_seen", "name");

    /// <summary>The longest message a card shows; the agent page shows it whole. Keeps a page of cards small.</summary>
    public const int CardMessageLength = 160;

    public static string Clip(string text, int length = CardMessageLength) =>
        text.Length <= length ? text : string.Concat(text.AsSpan(0, char.IsHighSurrogate(text[length - 1]) ? length - 1 : length), "…");

    /// <summary>A session's badge: silent replaces running or pending, so silent never looks like running.</summary>
    public static string Badge(SessionStatus? status, bool expired) =>
        SessionWords.WordOf(status, expired) == SessionWord.Silent ? "silent" : Status(status);

    public static string Word(SessionStatus? status, bool expired) => SessionWords.WordOf(status, expired).Name();

    /// <summary>What each word means: the legend and the badges' titles.</summary>
    public static string Meaning(string word) => word switch
    {
        "running" => "Live: a session is running and its TTL has not run out.",
        "pending" => "Live: a session is pending (waiting) and its TTL has not run out.",
        "failed" => "A session's last report was failed. It stays here until a later report on that session.",
        "silent" => "A session expired while running or pending: the agent stopped reporting mid-task.",
        "idle" => "Nothing live, failed or silent: every session succeeded.",
        "success" => "Finished: the session's last report was success.",
        "live" => "Its TTL has not run out and it is running or pending.",
        "finished" => "Its last report was success or failed.",
        _ => "No status reported yet.",
    };

    public static string Relative(DateTimeOffset t, DateTimeOffset now)
    {
        var d = now - t;
        var future = d < TimeSpan.Zero;
        d = d.Duration();
        var text = d.TotalSeconds < 45 ? "just now"
            : d.TotalMinutes < 60 ? $"{(int)Math.Round(d.TotalMinutes)} min"
            : d.TotalHours < 24 ? $"{(int)Math.Round(d.TotalHours)} h"
            : $"{(int)Math.Round(d.TotalDays)} d";
        return text == "just now" ? text : future ? "in " + text : text + " ago";
    }

    public static string Duration(TimeSpan d)
    {
        d = d.Duration();
        return d.TotalSeconds < 60 ? $"{d.TotalSeconds:0.#} s"
            : d.TotalMinutes < 60 ? $"{(int)d.TotalMinutes} min {d.Seconds} s"
            : d.TotalHours < 24 ? $"{(int)d.TotalHours} h {d.Minutes} min"
            : $"{(int)d.TotalDays} d {d.Hours} h";
    }
}
