using KubeAgents.Application.Events;
using NJsonSchema;
using NSwag;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace KubeAgents.Api.OpenApi;

/// <summary>
/// Describes <c>/api/events</c> as what it is: a <c>text/event-stream</c>, not JSON. OpenAPI 3.0 has no
/// schema for the messages of a stream, so the data schemas of each event name are listed in
/// <c>x-event-data</c> (and are components, so generators and linters see them); OpenAPI 3.2's
/// <c>itemSchema</c> would say the same.
/// </summary>
internal sealed class EventStreamDocumentation : IDocumentProcessor
{
    public const string Path = "/api/events";

    private static readonly (string Event, Type Data, string Schema)[] Events =
    [
        (StreamEvent.Status, typeof(StatusEventData), "StatusEvent"),
        (StreamEvent.SessionExpired, typeof(SessionExpiredEventData), "SessionExpiredEvent"),
        (StreamEvent.SessionSilent, typeof(SessionSilentEventData), "SessionSilentEvent"),
        (StreamEvent.AgentRegistered, typeof(AgentRegisteredEventData), "AgentRegisteredEvent"),
        (StreamEvent.Reset, typeof(ResetEventData), "ResetEvent"),
    ];

    public void Process(DocumentProcessorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Document.Paths.TryGetValue(Path, out var item) || !item.TryGetValue(OpenApiOperationMethod.Get, out var operation))
        {
            return;
        }

        var data = new Dictionary<string, object>();
        foreach (var (name, type, schemaName) in Events)
        {
            var schema = context.SchemaGenerator.Generate(type, context.SchemaResolver);
            var key = context.Document.Components.Schemas.Single(s => ReferenceEquals(s.Value, schema) || ReferenceEquals(s.Value, schema.Reference)).Key;
            if (key != schemaName)
            {
                context.Document.Components.Schemas.Remove(key);
                context.Document.Components.Schemas[schemaName] = schema.Reference ?? schema;
            }

            data[name] = new Dictionary<string, string> { ["$ref"] = $"#/components/schemas/{schemaName}" };
        }

        var ok = operation.Responses["200"];
        ok.Description = "The stream: a retry: hint, then a reset message when the log cannot have issued Last-Event-ID, then one message per event (id:, event:, data: one line of JSON), and a comment line every 15 s.";
        ok.Content.Clear();
        ok.Content["text/event-stream"] = new OpenApiMediaType
        {
            Schema = new JsonSchema { Type = JsonObjectType.String, Description = "Server-Sent Events; each message's data is the JSON schema x-event-data names for its event name." },
        };
        ok.ExtensionData = new Dictionary<string, object?> { ["x-event-data"] = data };

        foreach (var parameter in operation.Parameters.Where(p => p.Kind == OpenApiParameterKind.Header && p.Name == "Last-Event-ID"))
        {
            parameter.Schema = new JsonSchema { Type = JsonObjectType.String, Pattern = "^[0-9]{0,19}$" };
        }
    }
}
