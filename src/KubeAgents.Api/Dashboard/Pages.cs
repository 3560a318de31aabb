using System.Globalization;
using KubeAgents.Application.Agents.Queries;
using KubeAgents.Application.Dashboard;
using KubeAgents.Application.Dashboard.Queries.GetAgentActivity;
using KubeAgents.Application.Dashboard.Queries.GetAgentsBoard;
using KubeAgents.Application.History;
using KubeAgents.Application.Sessions.Queries;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Api.Dashboard;

public sealed record AgentsPage(AgentsBoardDto Board, string? Search, AgentState? State, AgentSort Sort, int Page, DateTimeOffset Now)
{
    /// <summary>This list with one thing changed (null keeps it): the links of the overview, the sort and the pager.</summary>
    public string Link(string? state = null, AgentSort? sort = null, int? page = null, bool clearState = false)
    {
        var parts = new List<string>();
        if (Search is not null)
        {
            parts.Add("search=" + Uri.EscapeDataString(Search));
        }

        var s = clearState ? null : state ?? (State is { } current ? current.Name() : null);
        if (s is not null)
        {
            parts.Add("state=" + s);
        }

        if ((sort ?? Sort) is var order && order != AgentSort.Attention)
        {
            parts.Add("sort=" + Show.Sorts.Of(order));
        }

        if ((page ?? 1) > 1)
        {
            parts.Add("page=" + page!.Value.ToString(CultureInfo.InvariantCulture));
        }

        return parts.Count == 0 ? "/" : "/?" + string.Join("&", parts);
    }
}

public sealed record AgentPage(AgentDto Agent, AgentActivityDto Activity, IReadOnlyList<SessionDto> Sessions, string? NextCursor, bool NotFirst, DateTimeOffset Now);

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

