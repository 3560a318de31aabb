using KubeAgents.Api.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using CheckStatus = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus;

namespace KubeAgents.Api.Controllers;

[ApiController]
[Route("health")]
[AllowAnonymous]
[Produces("application/json")]
public sealed class HealthController(TimeProvider time) : ControllerBase
{
    /// <summary>Liveness: answers while the process serves HTTP, whatever the state of the database.</summary>
    /// <remarks>status is always "ok"; timestamp is the server's clock, in UTC.</remarks>
    [HttpGet]
    [ProducesResponseType<HealthStatus>(StatusCodes.Status200OK)]
    public HealthStatus Get() => new("ok", time.GetUtcNow());

    /// <summary>Readiness: whether this instance should take traffic.</summary>
    /// <remarks>
    /// 200 with status "ready" when the store is reachable and its migrations are applied; 503
    /// (error "unavailable") when it is not, and from the moment the service starts shutting down,
    /// so a load balancer drains it before it stops listening.
    /// </remarks>
    [HttpGet("ready")]
    [ProducesResponseType<HealthStatus>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)]
    public async Task<IActionResult> Ready([FromServices] HealthCheckService checks, [FromServices] IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Unavailable("the service is shutting down");
        }

        var report = await checks.CheckHealthAsync(cancellationToken);
        if (report.Status != CheckStatus.Healthy)
        {
            var reasons = report.Entries.Values.Where(e => e.Status != CheckStatus.Healthy)
                .Select(e => e.Description ?? "the database is unavailable");
            return Unavailable(string.Join("; ", reasons));
        }

        return Ok(new HealthStatus("ready", time.GetUtcNow()));
    }

    private static IActionResult Unavailable(string message) => ErrorWriter.Result(ErrorCode.Unavailable, message);
}

public sealed record HealthStatus(string Status, DateTimeOffset Timestamp);
