using System.Globalization;
using KubeAgents.Application.Agents.Queries;
using KubeAgents.Application.History;
using KubeAgents.Application.Sessions.Queries;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Api.Dashboard;

public sealed record AgentsPage(IReadOnlyList<AgentDto> Agents, string? NextCursor, string? Search, SessionStatus? Status, bool NotFirst, DateTimeOffset Now);

public sealed record AgentPage(AgentDto Agent, IReadOnlyList<SessionDto> Sessions, string? NextCursor, bool NotFirst, DateTimeOffset Now);

public sealed record SessionPage(SessionDto Session, IReadOnlyList<StatusDto> History, string? NextCursor, bool NotFirst, DateTimeOffset Now)
{
    /// <summary>From the first running entry to the final report, once the session has finished.</summary>
    public TimeSpan? Duration =>
        Session.CurrentStatus is { } status && status.IsTerminal() && Session.RunningSince is { } start && !NotFirst && History.Count > 0
            ? History[0].Timestamp - start
            : null;
}

public sealed record LoginPage(string ReturnUrl, string? Error);

public sealed record ProblemPage(string Title, string Message);

/// <summary>What the views write: links, times, badges.</summary>
public static class Show
{
    public static string AgentUrl(string agentId) => "/agents/" + Uri.EscapeDataString(agentId);

    public static string SessionUrl(string agentId, string topic) => AgentUrl(agentId) + "/sessions/" + Uri.EscapeDataString(topic);

    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Absolute(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Status(SessionStatus? status) => status?.ToWireName() ?? "none";

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
