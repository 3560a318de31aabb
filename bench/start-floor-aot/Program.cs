// The start of a service outside the design card: the floor's "minimal" level (bench/start-floor)
// compiled to native code ahead of time, with System.Text.Json's generated metadata instead of
// reflection. bench/start-floor.sh publishes it (native AOT needs a C toolchain: gcc or clang) and
// starts it beside the rest.
using System.Text.Json.Serialization;
using StartFloor;
using StartFloorAot;

var builder = WebApplication.CreateSlimBuilder(FloorHost.Options(args));
builder.WebHost.UseUrls(FloorHost.Url);
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, FloorJson.Default));

var app = builder.Build();
app.MapGet("/health", () => Health.Healthy);
app.MapPost("/webhook/status", (Report report) =>
    report.AgentId is null || report.SessionTopic is null || report.Status is null
        ? Results.BadRequest()
        : Results.Ok(Answer.Reported));
app.Run();

namespace StartFloorAot
{
    /// <summary>System.Text.Json's generated metadata for the floor's bodies (bench/start-floor/Wire.cs).</summary>
    [JsonSerializable(typeof(Health))]
    [JsonSerializable(typeof(Report))]
    [JsonSerializable(typeof(Answer))]
    internal sealed partial class FloorJson : JsonSerializerContext;
}
