using KubeAgents.Api.Authentication;
using KubeAgents.Api.Errors;
using KubeAgents.Application.ApiKeys;
using KubeAgents.Application.ApiKeys.Commands.CreateApiKey;
using KubeAgents.Application.ApiKeys.Commands.RevokeApiKey;
using KubeAgents.Application.ApiKeys.Queries.ListApiKeys;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace KubeAgents.Api.Controllers;

/// <summary>API keys, for operators (the admin scope). The same as the service's <c>keys</c> command.</summary>
[ApiController]
[Route("api/keys")]
[Authorize(Policy = ApiScopes.Admin)]
[Produces("application/json")]
[ProducesResponseType<ErrorResponse>(StatusCodes.Status400BadRequest)]
[ProducesResponseType<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)]
public sealed class ApiKeysController(ISender sender, ApiKeyCache cache) : ControllerBase
{
    /// <summary>Creates a key. Its text is in this answer only: store it now.</summary>
    /// <remarks>Only the key's SHA-256 is stored. Send it as Authorization: Bearer &lt;key&gt; or X-API-Key: &lt;key&gt;.</remarks>
    /// <param name="command">The key's name and scopes.</param>
    /// <param name="cancellationToken">Aborts the request.</param>
    [HttpPost]
    [ProducesResponseType<CreatedApiKeyDto>(StatusCodes.Status201Created)]
    public async Task<IActionResult> Create([FromBody] CreateApiKeyCommand command, CancellationToken cancellationToken)
    {
        var created = await sender.Send(command, cancellationToken);
        return StatusCode(StatusCodes.Status201Created, created);
    }

    /// <summary>Every key, revoked ones included, newest first; never a key's text or hash.</summary>
    /// <param name="cancellationToken">Aborts the query.</param>
    [HttpGet]
    [ProducesResponseType<ApiKeyListDto>(StatusCodes.Status200OK)]
    public async Task<ApiKeyListDto> List(CancellationToken cancellationToken) =>
        await sender.Send(new ListApiKeysQuery(), cancellationToken);

    /// <summary>Revokes a key.</summary>
    /// <remarks>
    /// It stops working at once on the replica that answers, and on every other replica within
    /// API_KEY_CACHE_SECONDS (30 by default). Revoking a revoked key changes nothing. 404 when no key has this prefix.
    /// </remarks>
    /// <param name="prefix">The key's prefix: the 8 characters after ka_.</param>
    /// <param name="cancellationToken">Aborts the request.</param>
    [HttpDelete("{prefix}")]
    [ProducesResponseType<ApiKeyDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorResponse>(StatusCodes.Status404NotFound)]
    public async Task<ApiKeyDto> Revoke(string prefix, CancellationToken cancellationToken)
    {
        var revoked = await sender.Send(new RevokeApiKeyCommand(prefix), cancellationToken);
        cache.Evict(revoked.Prefix);
        return revoked;
    }
}
