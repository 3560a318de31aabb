using KubeAgents.Api.Authentication;
using KubeAgents.Domain.ApiKeys;
using Microsoft.AspNetCore.Authorization;
using NSwag;
using NSwag.Generation.AspNetCore;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace KubeAgents.Api.OpenApi;

/// <summary>
/// The document's security: two schemes (a bearer key, or the same key in <c>X-API-Key</c>), and on
/// each operation the scope its policy (<see cref="ApiScopes"/>) asks for, so generated clients can
/// send a key. <see cref="ContractRules"/> then adds the 401/403 answers to every secured operation.
/// </summary>
internal sealed class SecurityRules : IOperationProcessor
{
    public const string BearerScheme = "bearer";
    public const string HeaderScheme = "api_key";

    public bool Process(OperationProcessorContext context)
    {
        var metadata = context is AspNetCoreOperationProcessorContext aspNetCore
            ? aspNetCore.ApiDescription.ActionDescriptor.EndpointMetadata
            : [];
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return true;
        }

        var policy = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null);
        var scope = ApiScopes.All.Where(s => s.Policy == policy).Select(s => ApiScopeNames.Name(s.Scope)).FirstOrDefault();
        var operation = context.OperationDescription.Operation;
        operation.Security ??= [];
        foreach (var scheme in new[] { BearerScheme, HeaderScheme })
        {
            operation.Security.Add(new OpenApiSecurityRequirement { [scheme] = [] });
        }

        operation.Description = (operation.Description is { Length: > 0 } d ? d + "\n\n" : string.Empty) +
            (scope is null ? "With AUTH_MODE=keys: needs an API key." : $"With AUTH_MODE=keys: needs an API key with the {scope} scope.");
        return true;
    }

    public static void AddSchemes(OpenApiDocument document)
    {
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = OpenApiSecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "ka_<prefix>_<secret>",
            Description = "An API key as Authorization: Bearer <key>. Needed when the service runs with AUTH_MODE=keys; with AUTH_MODE=open (the default) nothing is checked.",
        };
        document.Components.SecuritySchemes[HeaderScheme] = new OpenApiSecurityScheme
        {
            Type = OpenApiSecuritySchemeType.ApiKey,
            Name = ApiKeyDefaults.HeaderName,
            In = OpenApiSecurityApiKeyLocation.Header,
            Description = "The same API key in the X-API-Key header, for tools that cannot send a bearer token.",
        };
    }
}
