using KubeAgents.Api.Routing;
using KubeAgents.Application.Agents.Queries.GetAgent;
using KubeAgents.Application.Agents.Queries.ListAgents;
using KubeAgents.Application.Sessions.Queries.GetSession;
using KubeAgents.Application.Sessions.Queries.ListSessions;
using KubeAgents.Domain.Sessions;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace KubeAgents.Api.Dashboard;

/// <summary>
/// The dashboard: server-rendered pages over the same mediator queries as the JSON API, updated live
/// by a small script that follows <c>/api/events</c>. Not part of the API, so not in the OpenAPI document.
/// </summary>
[ApiExplorerSettings(IgnoreApi = true)]
public sealed class DashboardController(ISender sender, TimeProvider time) : Controller
{
    public const int PageSize = 100;
    public const int HistoryPageSize = 50;

    [HttpGet("/")]
    public async Task<IActionResult> Agents(string? search, string? status, string? cursor, CancellationToken cancellationToken)
    {
        SessionStatus? filter = SessionStatusExtensions.TryParseWireName(status, out var parsed) ? parsed : null;
        var search2 = string.IsNullOrWhiteSpace(search) ? null : search.Trim();
        var page = await sender.Send(new ListAgentsQuery(filter, search2, PageSize, string.IsNullOrEmpty(cursor) ? null : cursor), cancellationToken);
        return View(new AgentsPage(page.Agents, page.NextCursor, search2, filter, !string.IsNullOrEmpty(cursor), time.GetUtcNow()));
    }

    [HttpGet("/agents/{agent_id}")]
    public async Task<IActionResult> Agent([FromPathSegment("agent_id")] string agentId, string? cursor, CancellationToken cancellationToken)
    {
        var agent = await sender.Send(new GetAgentQuery(agentId), cancellationToken);
        var sessions = await sender.Send(new ListSessionsQuery(agentId, IncludeExpired: true, PageSize, string.IsNullOrEmpty(cursor) ? null : cursor), cancellationToken);
        return View(new AgentPage(agent, sessions.Sessions, sessions.NextCursor, !string.IsNullOrEmpty(cursor), time.GetUtcNow()));
    }

    [HttpGet("/agents/{agent_id}/sessions/{session_topic}")]
    public async Task<IActionResult> Session(
        [FromPathSegment("agent_id")] string agentId,
        [FromPathSegment("session_topic")] string sessionTopic,
        string? cursor,
        CancellationToken cancellationToken)
    {
        var detail = await sender.Send(new GetSessionQuery(agentId, sessionTopic, HistoryPageSize, string.IsNullOrEmpty(cursor) ? null : cursor), cancellationToken);
        return View(new SessionPage(detail.Session, detail.StatusHistory, detail.NextHistoryCursor, !string.IsNullOrEmpty(cursor), time.GetUtcNow()));
    }

    /// <summary>Where the API-key login will ask for a read key (AUTH_MODE=keys); unlinked while the service is open.</summary>
    [HttpGet("/login")]
    public IActionResult Login(string? returnUrl) => View(new LoginPage(SafeReturn(returnUrl), Failed: false));

    /// <summary>
    /// Keeps the key in an HttpOnly, SameSite=Strict cookie (Secure over HTTPS), so the page's script
    /// never sees it and no other site can send it. Checking the key is the auth handler's job.
    /// </summary>
    [HttpPost("/login")]
    [IgnoreAntiforgeryToken] // SameSite=Strict; the form sets only the caller's own cookie.
    public IActionResult Login([FromForm] string? key, [FromForm] string? returnUrl)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return View(new LoginPage(SafeReturn(returnUrl), Failed: true));
        }

        Response.Cookies.Append(DashboardCookie.Name, key.Trim(), DashboardCookie.Options(Request.IsHttps));
        return LocalRedirect(SafeReturn(returnUrl));
    }

    [HttpPost("/logout")]
    [IgnoreAntiforgeryToken]
    public IActionResult Logout()
    {
        Response.Cookies.Delete(DashboardCookie.Name, DashboardCookie.Options(Request.IsHttps));
        return LocalRedirect("/");
    }

    private string SafeReturn(string? returnUrl) => !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}

/// <summary>The dashboard's key cookie: the name the API-key handler will read.</summary>
public static class DashboardCookie
{
    public const string Name = "kubeagents_key";

    public static CookieOptions Options(bool https) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = https,
        Path = "/",
        IsEssential = true,
    };
}
