using KubeAgents.Api.Errors;
using KubeAgents.Api.Routing;
using KubeAgents.Application.Reports.Commands.ReportStatus;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace KubeAgents.Api.Controllers;

[ApiController]
[Route("webhook")]
[Produces("application/json")]
public sealed class WebhookController(ISender sender) : ControllerBase
{
    /// <summary>Accepts an agent's status report. The agent and session are created on their first report. Bodies over 128 KiB are a 413.</summary>
    [HttpPost("status")]
    [ReadBodyAsJson]
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
