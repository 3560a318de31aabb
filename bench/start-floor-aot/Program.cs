// The start of a service outside the design card: the floor's "minimal" level (bench/start-floor)
// compiled to native code ahead of time, with System.Text.Json's generated metadata instead of
// reflection. bench/start-floor.sh publishes it (native AOT needs a C toolchain: gcc or clang) and
// starts it beside the rest.
using System.Text.Json.Serialization;
using StartFloorAot;

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
{
    Args = ["--hostBuilder:reloadConfigOnChange=false", .. args],
    ContentRootPath = AppContext.BaseDirectory,
});
builder.WebHost.UseUrls($"http://127.0.0.1:{Environment.GetEnvironmentVariable("PORT") ?? "8080"}");
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, FloorJson.Default));

var app = builder.Build();
app.MapGet("/health", () => new Health("healthy"));
app.MapPost("/webhook/status", (Report report) =>
    report.AgentId is null || report.SessionTopic is null || report.Status is null
        ? Results.BadRequest()
        : Results.Ok(Answer.Reported));
app.Run();

namespace StartFloorAot
{
    public sealed record Health([property: JsonPropertyName("status")] string Status);

    public sealed class Report
    {
        [JsonPropertyName("agent_id")] public string? AgentId { get; init; }
        [JsonPropertyName("session_topic")] public string? SessionTopic { get; init; }
        [JsonPropertyName("status")] public string? Status { get; init; }
        [JsonPropertyName("timestamp")] public DateTimeOffset? Timestamp { get; init; }
        [JsonPropertyName("message")] public string? Message { get; init; }
    }

    public sealed record Answer(
        [property: JsonPropertyName("success")] bool Success,
        [property: JsonPropertyName("message")] string Message)
    {
        public static readonly Answer Reported = new(true, "Status reported successfully");
    }

    [JsonSerializable(typeof(Health))]
    [JsonSerializable(typeof(Report))]
    [JsonSerializable(typeof(Answer))]
    internal sealed partial class FloorJson : JsonSerializerContext;
}
