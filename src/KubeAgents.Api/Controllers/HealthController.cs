using Microsoft.AspNetCore.Mvc;

namespace KubeAgents.Api.Controllers;

[ApiController]
[Route("health")]
[Produces("application/json")]
public sealed class HealthController(TimeProvider time) : ControllerBase
{
    /// <summary>Liveness: answers while the process serves HTTP, whatever the state of the database.</summary>
    /// <remarks>status is always "ok"; timestamp is the server's clock, in UTC.</remarks>
    [HttpGet]
    [ProducesResponseType<HealthStatus>(StatusCodes.Status200OK)]
    public HealthStatus Get() => new("ok", time.GetUtcNow());
}

public sealed record HealthStatus(string Status, DateTimeOffset Timestamp);
