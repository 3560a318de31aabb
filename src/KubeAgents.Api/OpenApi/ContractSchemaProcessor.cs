using Mediator;
using NJsonSchema;
using NJsonSchema.Generation;

namespace KubeAgents.Api.OpenApi;

/// <summary>
/// Makes the schemas say what the wire does, in a form OpenAPI 3.0 validators read:
/// <list type="bullet">
/// <item>a response member that is never null is required; one that may be null is optional and not
/// nullable, since the service leaves a null member out instead of writing null;</item>
/// <item>a <c>[Required]</c> request member is required and not nullable; an optional one may be
/// sent as null, which the service takes as absent; a request body takes members it does not name;</item>
/// <item>a reference is never <c>nullable</c> beside a bare <c>oneOf</c> (3.0 ignores <c>nullable</c>
/// without <c>type</c>, and ajv refuses it): it is an <c>allOf</c> of the one reference.</item>
/// </list>
/// </summary>
internal sealed class ContractSchemaProcessor : ISchemaProcessor
{
    public void Process(SchemaProcessorContext context)
    {
        var isRequest = typeof(IMessage).IsAssignableFrom(context.ContextualType.Type);
        if (isRequest)
        {
            // Unknown members are ignored, as the original service ignored them.
            context.Schema.AllowAdditionalProperties = true;
        }

        foreach (var (name, property) in context.Schema.Properties)
        {
            if (property.Format == JsonFormatStrings.Guid)
            {
                // OpenAPI's word; Kiota and others ignore "guid".
                property.Format = "uuid";
            }

            if (property.IsRequired)
            {
                NotNullable(property);
            }
            else if (!IsNullable(property))
            {
                context.Schema.RequiredProperties.Add(name);
            }
            else if (!isRequest)
            {
                NotNullable(property);
            }
            else if (property.OneOf.Any(s => s.HasReference))
            {
                throw new InvalidOperationException($"{context.ContextualType.Type.Name}.{name}: a nullable reference in a request cannot be said in OpenAPI 3.0; make it required or a plain type.");
            }
        }
    }

    private static void NotNullable(JsonSchemaProperty property)
    {
        property.IsNullableRaw = null;
        foreach (var referenced in property.OneOf.Where(s => s.HasReference).ToList())
        {
            property.AllOf.Add(referenced);
        }

        property.OneOf.Clear();
        if (property.Type.HasFlag(JsonObjectType.Null))
        {
            property.Type &= ~JsonObjectType.Null;
        }
    }

    private static bool IsNullable(JsonSchemaProperty property) =>
        property.IsNullableRaw == true || property.OneOf.Any(s => s.Type.HasFlag(JsonObjectType.Null)) || property.IsNullable(SchemaType.OpenApi3);
}
