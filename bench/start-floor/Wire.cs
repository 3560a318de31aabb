using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace StartFloor;

// What every floor level shares with the service: how it is hosted and what it answers. The native
// AOT floor (bench/start-floor-aot) compiles this file too.

/// <summary>The host as the service builds it: settings (log levels) from the application's directory, read once, on PORT.</summary>
public static class FloorHost
{
    public static WebApplicationOptions Options(string[] args) => new()
    {
        Args = ["--hostBuilder:reloadConfigOnChange=false", .. args],
        ContentRootPath = AppContext.BaseDirectory,
    };

    public static string Url => $"http://127.0.0.1:{Environment.GetEnvironmentVariable("PORT") ?? "8080"}";
}

/// <summary>The body of <c>GET /health</c>.</summary>
public sealed record Health([property: JsonPropertyName("status")] string Status)
{
    public static readonly Health Healthy = new("healthy");
}

/// <summary>A report as <c>POST /webhook/status</c> takes it (the fields bench/starts.sh sends).</summary>
public sealed class Report
{
    [Required, JsonPropertyName("agent_id")] public string? AgentId { get; init; }
    [Required, JsonPropertyName("session_topic")] public string? SessionTopic { get; init; }
    [Required, JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("timestamp")] public DateTimeOffset? Timestamp { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
}

/// <summary>The service's answer to an accepted report.</summary>
public sealed record Answer(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("message")] string Message)
{
    public static readonly Answer Reported = new(true, "Status reported successfully");
}
