using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using KubeAgents.TestSupport;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>The official MCP C# client on the service's /mcp, as an agent connects (Streamable HTTP).</summary>
internal static class McpConnection
{
    /// <param name="protocolVersion">Null lets the client negotiate (it tries 2026-07-28 first); an older one forces the initialize handshake.</param>
    /// <param name="apiKey">Sent as a bearer token when set (AUTH_MODE=keys).</param>
    public static async Task<McpClient> ConnectAsync(KubeAgentsApi api, string? protocolVersion = null, string? apiKey = null)
    {
        // The checked client: the contract checker leaves /mcp alone, as it must.
        var http = api.CreateClient();
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        var transport = new HttpClientTransport(
            new HttpClientTransportOptions { Endpoint = new Uri(http.BaseAddress!, "/mcp"), TransportMode = HttpTransportMode.StreamableHttp },
            http,
            ownsHttpClient: true);
        return await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = protocolVersion });
    }

    /// <summary>
    /// One JSON-RPC message posted as text (so it may hold what no client would send: a key twice, an
    /// unpaired surrogate), and the JSON-RPC answer, whether the server wrote it as JSON or as one SSE event.
    /// </summary>
    public static async Task<(System.Net.HttpStatusCode Status, JsonElement? Answer)> PostRawAsync(HttpClient http, string message)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(message, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            text = text.Split('\n').Single(line => line.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
        }

        return (response.StatusCode, text.Length == 0 ? null : JsonSerializer.Deserialize<JsonElement>(text));
    }

    public static string Text(this CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(c => c.Text));
}
