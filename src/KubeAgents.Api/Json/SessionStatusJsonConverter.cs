using System.Text.Json;
using System.Text.Json.Serialization;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Api.Json;

/// <summary>Exactly the lower-case wire names, as the original service compared them; <c>RUNNING</c> or <c>0</c> is a bad request.</summary>
internal sealed class SessionStatusJsonConverter : JsonConverter<SessionStatus>
{
    public override SessionStatus Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && SessionStatusExtensions.TryParseWireName(reader.GetString(), out var status)
            ? status
            : throw new JsonException();

    public override void Write(Utf8JsonWriter writer, SessionStatus value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToWireName());
    }
}
