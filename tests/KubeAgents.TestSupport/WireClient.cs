using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace KubeAgents.TestSupport;

/// <summary>Raw HTTP with the JSON as it is on the wire, so field names and shapes are checked to the letter.</summary>
public sealed class WireClient(HttpClient http)
{
    public HttpClient Http => http;

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public static string Path(params string[] segments) => "/" + string.Join('/', segments.Select(Uri.EscapeDataString));

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostRawAsync(string path, string body, string contentType = "application/json")
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using var response = await http.PostAsync(path, content);
        return (response.StatusCode, await ReadAsync(response));
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> ReportRawAsync(object report) =>
        PostRawAsync("/webhook/status", JsonSerializer.Serialize(report));

    /// <summary>Posts a report and requires a 200.</summary>
    public async Task ReportAsync(
        string agentId,
        string topic,
        string status,
        DateTimeOffset timestamp,
        string? message = null,
        string? agentName = null,
        string? agentSource = null,
        int? ttlMinutes = null,
        string? content = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["agent_id"] = agentId,
            ["session_topic"] = topic,
            ["status"] = status,
            ["timestamp"] = timestamp.ToString("O"),
        };
        AddIfSet(body, "message", message);
        AddIfSet(body, "agent_name", agentName);
        AddIfSet(body, "agent_source", agentSource);
        AddIfSet(body, "ttl_minutes", ttlMinutes);
        AddIfSet(body, "content", content);
        var (status2, answer) = await ReportRawAsync(body);
        status2.Should().Be(HttpStatusCode.OK, answer.ToString());
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetRawAsync(string path)
    {
        using var response = await http.GetAsync(path);
        return (response.StatusCode, await ReadAsync(response));
    }

    /// <summary>GETs and requires a 200.</summary>
    public async Task<JsonElement> GetAsync(string path)
    {
        var (status, body) = await GetRawAsync(path);
        status.Should().Be(HttpStatusCode.OK, body.ToString());
        return body;
    }

    private static void AddIfSet(Dictionary<string, object?> body, string key, object? value)
    {
        if (value is not null)
        {
            body[key] = value;
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json", text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}

public static class JsonElementExtensions
{
    public static string[] PropertyNames(this JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    public static string Str(this JsonElement element, string property) => element.GetProperty(property).GetString()!;

    public static DateTimeOffset Time(this JsonElement element, string property) =>
        DateTimeOffset.Parse(element.Str(property), System.Globalization.CultureInfo.InvariantCulture);

    public static JsonElement[] Items(this JsonElement element, string property) => [.. element.GetProperty(property).EnumerateArray()];
}
