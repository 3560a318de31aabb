using KubeAgents.Api.Authentication;
using KubeAgents.Api.Errors;
using KubeAgents.Api.Routing;
using KubeAgents.Application.Reports.Commands.ReportStatus;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace KubeAgents.Api.Controllers;

[ApiController]
[Route("webhook")]
[Authorize(Policy = ApiScopes.Report)]
[Produces("application/json")]
public sealed class WebhookController(ISender sender) : ControllerBase
{
    /// <summary>Accepts an agent's status report.</summary>
    /// <remarks>
    /// The agent and the session (agent_id, session_topic) are created on their first report; a report on an
    /// expired session revives it. The entry joins the session's history; the session's current status is the
    /// entry with the greatest timestamp, so an older report arriving late changes only the history. A 200
    /// means the report is committed; a 400, 413 or 503 means nothing changed. Bodies over 128 KiB are a 413.
    /// </remarks>
    /// <param name="report">The report.</param>
    /// <param name="cancellationToken">Aborts the wait (the report may still be stored).</param>
    [HttpPost("status")]
    [ProducesResponseType<ReportAccepted>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)]
    public async Task<ReportAccepted> ReportStatus([FromBody] ReportStatusCommand report, CancellationToken cancellationToken)
    {
        await sender.Send(report, cancellationToken);
        return ReportAccepted.Instance;
    }
}

/// <summary>The answer to an accepted report: the report is stored.</summary>
public sealed record ReportAccepted(bool Success, string Message)
{
    public static ReportAccepted Instance { get; } = new(true, "Status reported successfully");
}
