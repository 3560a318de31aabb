using System.Runtime.ExceptionServices;
using KubeAgents.Api.Json;
using KubeAgents.Api.OpenApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NJsonSchema;
using NJsonSchema.Generation;
using NSwag.AspNetCore;

namespace KubeAgents.UnitTests.Api;

/// <summary>
/// The OpenAPI document's registration: one document, from the System.Text.Json options MVC writes
/// bodies with, built without NSwag's search for Newtonsoft.Json settings (an assembly load and a
/// <c>dynamic</c> read that threw three exceptions on every start; ADR-006, round 6).
/// </summary>
public class OpenApiRegistrationTests
{
    [Fact]
    public void One_document_is_registered_from_MVCs_System_Text_Json_options_without_an_exception()
    {
        using var provider = Services(mvc => mvc.AddJsonOptions(options => JsonSetup.Configure(options.JsonSerializerOptions)));

        // FirstChanceException is raised on the throwing thread: only this test's resolution counts.
        var thread = Environment.CurrentManagedThreadId;
        var thrown = new List<string>();
        void Record(object? sender, FirstChanceExceptionEventArgs e)
        {
            if (Environment.CurrentManagedThreadId == thread)
            {
                thrown.Add($"{e.Exception.GetType().Name}: {e.Exception.Message}");
            }
        }

        List<OpenApiDocumentRegistration> registrations;
        AppDomain.CurrentDomain.FirstChanceException += Record;
        try
        {
            registrations = [.. provider.GetServices<OpenApiDocumentRegistration>()];
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Record;
        }

        thrown.Should().BeEmpty("building the document's settings has nothing to look for that may be missing");
        var registration = registrations.Should().ContainSingle("NSwag's own registration is replaced, not added to").Subject;
        registration.DocumentName.Should().Be(OpenApiSetup.DocumentName);
        registration.Settings.Title.Should().Be("KubeAgents", "the document's own settings are applied, not only NSwag's defaults");
        registration.Settings.PostProcess.Should().NotBeNull();
        registration.Settings.DocumentProcessors.OfType<EventStreamDocumentation>().Should().ContainSingle();
        registration.Settings.OperationProcessors.OfType<SecurityRules>().Should().ContainSingle();
        registration.Settings.SchemaSettings.SchemaType.Should().Be(SchemaType.OpenApi3);
        registration.Settings.SchemaSettings.Should().BeOfType<SystemTextJsonSchemaGeneratorSettings>()
            .Which.SerializerOptions.Should().BeSameAs(provider.GetRequiredService<IOptions<JsonOptions>>().Value.JsonSerializerOptions);
    }

    [Fact]
    public void Without_a_System_Text_Json_output_formatter_the_registration_refuses_to_describe_the_bodies()
    {
        using var provider = Services(mvc => mvc.AddMvcOptions(options => options.OutputFormatters.RemoveType<SystemTextJsonOutputFormatter>()));

        var resolve = () => provider.GetServices<OpenApiDocumentRegistration>().ToList();

        resolve.Should().Throw<InvalidOperationException>().WithMessage("*no System.Text.Json output formatter*");
    }

    /// <summary>MVC's controllers, as <paramref name="mvc"/> sets them up, and the OpenAPI document.</summary>
    private static ServiceProvider Services(Action<IMvcBuilder> mvc)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        mvc(services.AddControllers());
        services.AddKubeAgentsOpenApi();
        return services.BuildServiceProvider();
    }
}
