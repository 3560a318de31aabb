using System.Globalization;
using KubeAgents.Api.Authentication;
using KubeAgents.Api.Errors;
using KubeAgents.Api.RateLimiting;
using KubeAgents.Api.Routing;
using KubeAgents.Application.Agents.Queries.GetAgent;
using KubeAgents.Application.Dashboard;
using KubeAgents.Application.Dashboard.Queries.GetAgentActivity;
using KubeAgents.Application.Dashboard.Queries.GetAgentsBoard;
using KubeAgents.Application.Sessions.Queries.GetSession;
using KubeAgents.Application.Sessions.Queries.ListSessions;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.ApiKeys;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.Options;

namespace KubeAgents.Api.Dashboard;

/// <summary>
/// The dashboard: server-rendered pages over the same mediator queries as the JSON API, updated live
/// by a small script that follows <c>/api/events</c>. Not part of the API, so not in the OpenAPI document.
/// </summary>
/// With <c>AUTH_MODE=keys</c> its pages need a key with the <c>read</c> scope; without one a browser is
/// sent to <c>/login</c> (<see cref="AuthorizationAnswers"/>), which keeps the key in a cookie.
[ApiExplorerSettings(IgnoreApi = true)]
[Authorize(Policy = ApiScopes.Read)]
[DashboardPages]
[ServerTiming]
public sealed class DashboardController(ISender sender, TimeProvider time) : Controller
{
    /// <summary>Agents per page of the home page: the first screen of 5,000 worst-case agents stays under 150 KB.</summary>
    public const int HomePageSize = 50;
    public const int PageSize = 100;
    public const int HistoryPageSize = 50;
    public const int AttentionShown = 10;

    /// <summary>The error codes the dashboard answers with its own page, and that page's title.</summary>
    private static readonly Dictionary<ErrorCode, string> ProblemTitles = new()
    {
        [ErrorCode.NotFound] = "Not found",
        [ErrorCode.BadRequest] = "Bad link",
    };

    [HttpGet("/")]
    public async Task<IActionResult> Agents(string? search, string? state, string? sort, string? page, CancellationToken cancellationToken)
    {
        AgentState? filter = SessionWords.StateNames.TryParse(state, out var parsed) ? parsed : null;
        var order = Show.Sorts.TryParse(sort, out var sorted) ? sorted : AgentSort.Attention;
        var number = int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 100_000 ? n : 1;
        var text = string.IsNullOrWhiteSpace(search) ? null : search.Trim();
        var board = await sender.Send(new GetAgentsBoardQuery(text, filter, order, number, HomePageSize, AttentionShown), cancellationToken);
        return View(new AgentsPage(board, text, filter, order, number, time.GetUtcNow()));
    }

    [HttpGet("/agents/{agent_id}")]
    public async Task<IActionResult> Agent([FromPathSegment("agent_id")] string agentId, string? cursor, CancellationToken cancellationToken)
    {
        var agent = await sender.Send(new GetAgentQuery(agentId), cancellationToken);
        var activity = await sender.Send(new GetAgentActivityQuery(agentId), cancellationToken);
        var sessions = await sender.Send(new ListSessionsQuery(agentId, IncludeExpired: true, PageSize, string.IsNullOrEmpty(cursor) ? null : cursor), cancellationToken);
        return View(new AgentPage(agent, activity, sessions.Sessions, sessions.NextCursor, !string.IsNullOrEmpty(cursor), time.GetUtcNow()));
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

    /// <summary>Asks for a read key (AUTH_MODE=keys); the pages send a browser here when it has none. Open: nothing to ask.</summary>
    [HttpGet("/login")]
    [AllowAnonymous]
    public IActionResult Login(string? returnUrl, [FromQuery] string? refused, [FromServices] IOptions<AuthOptions> auth) =>
        auth.Value.Mode == AuthMode.Open
            ? LocalRedirect(SafeReturn(returnUrl))
            : View(new LoginPage(SafeReturn(returnUrl), refused is null ? null : "That key may not read here: it needs the read scope."));

    /// <summary>
    /// Checks the key (valid, not revoked, with the read scope), then keeps it in an HttpOnly,
    /// SameSite=Strict cookie (Secure over HTTPS), so the page's script never sees it and no other
    /// site can send it. The cookie authenticates reads only (GET and HEAD).
    /// </summary>
    [HttpPost("/login")]
    [AllowAnonymous]
    [IgnoreAntiforgeryToken] // SameSite=Strict; the form sets only the caller's own cookie, and only after the key is checked.
    public async Task<IActionResult> Login([FromForm] LoginForm form, [FromServices] ApiKeyCache keys, CancellationToken cancellationToken)
    {
        var (text, returnUrl) = (form.Key?.Trim(), form.ReturnUrl);
        if (string.IsNullOrEmpty(text))
        {
            return View(new LoginPage(SafeReturn(returnUrl), "Enter a key."));
        }

        if (!HttpContext.RequestServices.GetRequiredService<RequestRateLimiter>().AdmitsKey(HttpContext, text))
        {
            Response.StatusCode = ErrorCode.RateLimited.Status;
            return View(new LoginPage(SafeReturn(returnUrl), "Too many keys tried from this address: wait a minute."));
        }

        var stored = await keys.VerifyAsync(text, cancellationToken);
        if (stored is null || !stored.Scopes.HasFlag(ApiScope.Read))
        {
            Response.StatusCode = (stored is null ? ErrorCode.Unauthorized : ErrorCode.Forbidden).Status;
            return View(new LoginPage(SafeReturn(returnUrl), stored is null
                ? "That key is not valid (unknown, mistyped or revoked)."
                : "That key may not read here: it needs the read scope."));
        }

        Response.Cookies.Append(ApiKeyDefaults.CookieName, text, DashboardCookie.Options(Request.IsHttps));
        return LocalRedirect(SafeReturn(returnUrl));
    }

    [HttpPost("/logout")]
    [AllowAnonymous]
    [IgnoreAntiforgeryToken]
    public IActionResult Logout()
    {
        Response.Cookies.Delete(ApiKeyDefaults.CookieName, DashboardCookie.Options(Request.IsHttps));
        return LocalRedirect("/");
    }

    /// <summary>
    /// A person at a browser gets a page, not the API's JSON, for the codes with a page here (an unknown
    /// agent or session, a bad link), read from the API's own table (<see cref="ErrorMapping"/>); any other
    /// failure is answered and logged as the API answers it.
    /// </summary>
    public override void OnActionExecuted(ActionExecutedContext context)
    {
        if (context.Exception is not { } exception)
        {
            return;
        }

        var (code, message, _, _) = ErrorMapping.Map(exception, HttpContext.RequestServices.GetRequiredService<IStoreFailureClassifier>());
        if (!ProblemTitles.TryGetValue(code, out var title))
        {
            return;
        }

        context.Result = new ViewResult
        {
            ViewName = "Problem",
            StatusCode = code.Status,
            ViewData = new ViewDataDictionary<ProblemPage>(ViewData, new ProblemPage(title, message)),
        };
        context.ExceptionHandled = true;
    }

    private string SafeReturn(string? returnUrl) => !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}

/// <summary>How the dashboard keeps its key cookie (<see cref="ApiKeyDefaults.CookieName"/>, read by the API-key handler for GET and HEAD only).</summary>
public static class DashboardCookie
{
    public static CookieOptions Options(bool https) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = https,
        Path = "/",
        IsEssential = true,
    };
}

/// <summary>Marks HTML pages: a refused request is sent to the login page instead of answered in JSON.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class DashboardPagesAttribute : Attribute;
