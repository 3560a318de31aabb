using KubeAgents.Api.Authentication;
using KubeAgents.Application.Notifications.Queries;
using KubeAgents.Application.Notifications.Queries.ListNotifications;
using KubeAgents.Application.Notifications.Routes;
using KubeAgents.Application.Notifications.Routes.Queries.ListRoutes;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace KubeAgents.Api.Notifications;

/// <summary>A session's notifications on its dashboard page: event, route, state, attempts. One query.</summary>
public sealed class SessionNotificationsViewComponent(ISender sender) : ViewComponent
{
    public const int Limit = 20;

    public async Task<IViewComponentResult> InvokeAsync(string agentId, string sessionTopic)
    {
        var list = await sender.Send(new ListNotificationsQuery(null, Limit, agentId, sessionTopic), HttpContext.RequestAborted);
        return View("~/Views/Dashboard/_SessionNotifications.cshtml", list.Notifications);
    }
}

/// <summary>The routes, read-only, for a dashboard user holding the admin scope; nothing for anyone else.</summary>
public sealed class NotificationRoutesViewComponent(ISender sender, IAuthorizationService authorization) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!(await authorization.AuthorizeAsync(HttpContext.User, ApiScopes.Admin)).Succeeded)
        {
            return Content(string.Empty);
        }

        var list = await sender.Send(new ListRoutesQuery(), HttpContext.RequestAborted);
        return View("~/Views/Dashboard/_Routes.cshtml", list.Routes);
    }
}

/// <summary>The view models of the two partials.</summary>
public static class NotificationViews
{
    public static string Route(NotificationDto n) => n.Route ?? "(deleted route)";

    public static string Filters(NotificationRouteDto r) =>
        $"agent {r.AgentFilter ?? "*"} · topic {r.TopicFilter ?? "*"}";
}
