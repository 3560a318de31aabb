using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;
using NJsonSchema;
using NSwag;

namespace KubeAgents.Api.OpenApi;

/// <summary>The OpenAPI document (<c>/swagger/v1/swagger.json</c>) and Swagger UI (<c>/swagger</c>).</summary>
internal static class OpenApiSetup
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddKubeAgentsOpenApi(this IServiceCollection services) =>
        services.AddOpenApiDocument(settings =>
        {
            settings.DocumentName = DocumentName;
            settings.Title = "KubeAgents";
            settings.Version = "1.0";
            settings.Description =
                "Status hub for AI agents: agents report task status to a webhook; the API answers " +
                "queries about agents, sessions and their history. JSON is snake_case; times are RFC 3339.";
            settings.SchemaSettings.SchemaProcessors.Add(new ContractSchemaProcessor());
            settings.PostProcess = document =>
            {
                document.Servers.Clear();
                // These filters bind as strings (to answer a precise 400), but take enum values.
                UseEnum(document, "/api/agents", "status", nameof(SessionStatus));
                UseEnum(document, "/api/agents/{agent_id}/history", "status", nameof(SessionStatus));
                UseEnum(document, "/api/notifications", "state", nameof(NotificationState));
            };
        });

    private static void UseEnum(OpenApiDocument document, string path, string parameter, string schemaName)
    {
        var target = document.Paths[path][OpenApiOperationMethod.Get].Parameters.Single(p => p.Name == parameter);
        target.Schema = new JsonSchema { Reference = document.Components.Schemas[schemaName] };
    }

    public static WebApplication UseKubeAgentsOpenApi(this WebApplication app)
    {
        // The same document whatever host serves it: no servers entry taken from the request.
        app.UseOpenApi(settings => settings.PostProcess = (document, _) => document.Servers.Clear());
        app.UseSwaggerUi();
        return app;
    }
}
