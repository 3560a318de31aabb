using NJsonSchema;
using NJsonSchema.Generation;

namespace KubeAgents.Api.OpenApi;

/// <summary>
/// Makes the schemas say what the wire does: a member that is never null is always present (the
/// service omits only null members), and a <c>[Required]</c> request member is never null.
/// </summary>
internal sealed class ContractSchemaProcessor : ISchemaProcessor
{
    public void Process(SchemaProcessorContext context)
    {
        foreach (var (name, property) in context.Schema.Properties)
        {
            if (property.IsRequired)
            {
                property.IsNullableRaw = false;
                // A nullable reference is written as oneOf [ref]; a required one as allOf [ref].
                foreach (var referenced in property.OneOf.Where(s => s.HasReference).ToList())
                {
                    property.AllOf.Add(referenced);
                }

                property.OneOf.Clear();
                if (property.Reference is null && property.Type.HasFlag(JsonObjectType.Null))
                {
                    property.Type &= ~JsonObjectType.Null;
                }
            }
            else if (property.IsNullableRaw != true && !IsNullableReference(property))
            {
                context.Schema.RequiredProperties.Add(name);
            }
        }
    }

    private static bool IsNullableReference(JsonSchemaProperty property) =>
        property.OneOf.Any(s => s.Type.HasFlag(JsonObjectType.Null)) || property.IsNullable(SchemaType.OpenApi3);
}
