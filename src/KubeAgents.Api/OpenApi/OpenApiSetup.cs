using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.Extensions.Options;
using NJsonSchema;
using NJsonSchema.Generation;
using NSwag;
using NSwag.AspNetCore;
using NSwag.Generation.AspNetCore;
using NSwag.Generation.Processors;

namespace KubeAgents.Api.OpenApi;

/// <summary>The OpenAPI document (<c>/swagger/v1/swagger.json</c>) and Swagger UI (<c>/swagger</c>).</summary>
internal static class OpenApiSetup
{
    public const string DocumentName = "v1";

    /// <summary>Where the service listens by default (<c>PORT</c> 8080); clients set their own base URL.</summary>
    public const string DefaultServerUrl = "http://localhost:8080";

    /// <summary>The document Swagger UI loads: the same API, with no servers entry (see <see cref="UseKubeAgentsOpenApi"/>).</summary>
    public const string TryItOutPath = "/swagger/{documentName}/try-it-out.json";

    /// <summary>
    /// CommonMark, as OpenAPI and Swagger UI read it: anything with angle brackets (<c>&lt;code&gt;</c>,
    /// <c>&lt;key&gt;</c>) sits in a code span, or Swagger UI takes it for an HTML tag and drops it.
    /// </summary>
    public const string Description = """
        Status hub for AI agents: agents report task status to a webhook; the API answers queries about agents, sessions and their history.

        JSON is snake_case; times are RFC 3339, written in UTC. Members without a value are left out of responses, never written as null. Lists are paged: `limit` and `cursor` (`next_cursor` in the answer), and a session's history with `history_limit` and `history_cursor`.

        Every error has the body `{"error":"<code>","message":"<what is wrong>"}`: an unknown path is a 404 `not_found` and a method a path does not take is a 405 `method_not_allowed`.

        With `AUTH_MODE=keys` every endpoint but the health probes needs an API key (`Authorization: Bearer <key>` or `X-API-Key: <key>`) holding the endpoint's scope (`report`, `read` or `admin`): 401 `unauthorized` without a valid key, 403 `forbidden` without the scope. In open mode nobody administers: admin endpoints answer 403 `forbidden`. Requests are rate limited per key (per client address in open mode): 429 `rate_limited` with `Retry-After`.
        """;

    public static IServiceCollection AddKubeAgentsOpenApi(this IServiceCollection services)
    {
        // NSwag's provider, its MVC convention and a registration of the document; the registration is
        // then replaced by one that skips NSwag's search for Newtonsoft.Json's MVC settings. That
        // search loads an assembly this service does not ship and reads an option through `dynamic`:
        // three first-chance exceptions and the C# runtime binder at every start, to find nothing
        // (ADR-006, round 6). The document is built from the same settings: System.Text.Json's, as
        // MVC writes the bodies, which is what NSwag picks when that search finds nothing.
        services.AddOpenApiDocument(); // its registration, configured or not, is the one replaced below
        services.Remove(services.Last(descriptor => descriptor.ServiceType == typeof(OpenApiDocumentRegistration)));
        services.AddSingleton(provider =>
        {
            var mvc = provider.GetRequiredService<IOptions<MvcOptions>>().Value;
            if (!mvc.OutputFormatters.OfType<SystemTextJsonOutputFormatter>().Any())
            {
                throw new InvalidOperationException(
                    "The OpenAPI document describes bodies as System.Text.Json writes them, but MVC has no System.Text.Json output formatter; "
                    + "with Newtonsoft.Json, register the document through NSwag's AddOpenApiDocument alone (OpenApiSetup).");
            }

            var json = provider.GetRequiredService<IOptions<JsonOptions>>().Value.JsonSerializerOptions;
            var settings = new AspNetCoreOpenApiDocumentGeneratorSettings();
            settings.ApplySettings(new SystemTextJsonSchemaGeneratorSettings { SerializerOptions = json }, mvc);
            settings.SchemaSettings.SchemaType = SchemaType.OpenApi3;
            Configure(settings);
            // As NSwag's factory does: processors registered in the container join the document's.
            foreach (var processor in provider.GetServices<IDocumentProcessor>())
            {
                settings.DocumentProcessors.Add(processor);
            }

            foreach (var processor in provider.GetServices<IOperationProcessor>())
            {
                settings.OperationProcessors.Add(processor);
            }

            return new OpenApiDocumentRegistration(settings.DocumentName, settings);
        });
        return services;
    }

    private static void Configure(AspNetCoreOpenApiDocumentGeneratorSettings settings)
    {
        settings.DocumentName = DocumentName;
        settings.Title = "KubeAgents";
        settings.Version = "1.0";
        settings.Description = Description;
        settings.SchemaSettings.SchemaProcessors.Add(new ContractSchemaProcessor());
        settings.OperationProcessors.Add(new SecurityRules());
        settings.DocumentProcessors.Add(new EventStreamDocumentation());
        settings.PostProcess = document =>
        {
            SetServers(document);
            SecurityRules.AddSchemes(document);
            ContractRules.Apply(document);
        };
    }

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

    /// <summary>
    /// Two views of one document. <c>/swagger/v1/swagger.json</c> (the committed one, for generators) names
    /// the default local server, whatever host serves it. Swagger UI loads <see cref="TryItOutPath"/>, which
    /// names no server: OpenAPI then means the document's own location, so "Try it out" sends to the host
    /// (and scheme, behind any proxy) the browser used to open the page.
    /// </summary>
    public static WebApplication UseKubeAgentsOpenApi(this WebApplication app)
    {
        app.UseOpenApi(settings => settings.PostProcess = (document, _) => SetServers(document));
        app.UseOpenApi(settings =>
        {
            settings.Path = TryItOutPath;
            settings.PostProcess = (document, _) => document.Servers.Clear();
        });
        app.UseSwaggerUi(settings => settings.DocumentPath = TryItOutPath);
        return app;
    }
}
