using System.Text.Json;
using System.Text.Json.Serialization;
using KubeAgents.Domain.Notifications;

namespace KubeAgents.Api.Json;

/// <summary>The wire format of the original service: snake_case, lower-case enums, empty optionals omitted, UTC times.</summary>
internal static class JsonSetup
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.NumberHandling = JsonNumberHandling.Strict;
        // {"agent_id":"a",...,"agent_id":"b"} would mean "b" here and "a" to a proxy or parser that
        // keeps the first: refuse it rather than pick one.
        options.AllowDuplicateProperties = false;
        options.Converters.Add(new SessionStatusJsonConverter());
        // Never reached for SessionStatus at run time (the strict converter above comes first); it tells
        // the OpenAPI generator that the enum is written as its lower-case names.
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.Converters.Add(new JsonStringEnumConverter<NotificationState>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.Converters.Add(new Rfc3339DateTimeOffsetConverter());
    }
}
