using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;
using NJsonSchema;
using NSwag;

namespace KubeAgents.Api.OpenApi;

/// <summary>The OpenAPI document (<c>/swagger/v1/swagger.json</c>) and Swagger UI (<c>/swagger</c>).</summary>
internal static class OpenApiSetup
{
    public const string DocumentName = "v1";

    /// <summary>Where the service listens by default (<c>PORT</c> 8080); clients set their own base URL.</summary>
    public const string DefaultServerUrl = "http://localhost:8080";

    public static IServiceCollection AddKubeAgentsOpenApi(this IServiceCollection services) =>
        services.AddOpenApiDocument(settings =>
        {
            settings.DocumentName = DocumentName;
            settings.Title = "KubeAgents";
            settings.Version = "1.0";
            settings.Description =
                "Status hub for AI agents: agents report task status to a webhook; the API answers " +
                "queries about agents, sessions and their history. JSON is snake_case; times are RFC 3339, " +
                "written in UTC. Members without a value are left out of responses, never written as null. " +
                "Every error has the body {\"error\":\"<code>\",\"message\":\"...\"}: an unknown path is a 404 " +
                "not_found and a method a path does not take is a 405 method_not_allowed. With AUTH_MODE=keys " +
                "every endpoint but the health probes needs an API key (Authorization: Bearer <key> or X-API-Key) " +
                "holding the endpoint's scope (report, read or admin): 401 unauthorized without a valid key, 403 " +
                "forbidden without the scope. In open mode nobody administers: admin endpoints answer 403. Requests are rate limited per key (per client address in open mode): " +
                "429 rate_limited with Retry-After.";
            settings.SchemaSettings.SchemaProcessors.Add(new ContractSchemaProcessor());
            settings.OperationProcessors.Add(new SecurityRules());
            settings.DocumentProcessors.Add(new EventStreamDocumentation());
            settings.PostProcess = document =>
            {
                SetServers(document);
                SecurityRules.AddSchemes(document);
                ContractRules.Apply(document);
            };
        });

    /// <summary>One fixed entry, whatever host serves the document: the default local setup.</summary>
    private static void SetServers(OpenApiDocument document)
    {
        document.Servers.Clear();
        document.Servers.Add(new OpenApiServer
        {
            Url = DefaultServerUrl,
            Description = "The default local setup (PORT=8080). Any deployment serves the same API at its own base URL: clients override this one.",
        });
    }

    public static WebApplication UseKubeAgentsOpenApi(this WebApplication app)
    {
        // The same document whatever host serves it: not a servers entry taken from the request.
        app.UseOpenApi(settings => settings.PostProcess = (document, _) => SetServers(document));
        app.UseSwaggerUi();
        return app;
    }
}
