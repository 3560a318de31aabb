using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;

namespace KubeAgents.Api.Routing;

/// <summary>
/// Tells MVC that no bound model has validators, so it does not walk a bound body property by property
/// after binding it. The Application validates every message (its pipeline behavior); MVC's validator
/// providers are cleared, and DataAnnotations only document the contract.
/// </summary>
/// <remarks>
/// Clearing the providers alone is not enough: MVC decides "no validators" only when at least one
/// provider is registered and all of them say so, and otherwise visits every property of every bound
/// model to find none (1.5% of the service's CPU under fresh ingestion, docs/benchmarks.md
/// "Ingestion, round 8"). A binding error (a body that is not JSON, a wrong type) is still recorded and
/// still answered 400. It pairs with <c>ModelValidatorProviders.Clear()</c> (DependencyInjection): a
/// validator provider added there would be skipped, and a test pins that there is none.
/// </remarks>
internal sealed class NoModelValidation : IValidationMetadataProvider
{
    public void CreateValidationMetadata(ValidationMetadataProviderContext context) =>
        context.ValidationMetadata.HasValidators = false;
}
