using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace KubeAgents.TestSupport;

/// <summary>
/// HTTP/1.0 over a bare socket, for requests <see cref="HttpClient"/> would rewrite first: a target
/// sent exactly as written (dot segments, odd escapes), like <c>curl --path-as-is</c>, or a head that
/// announces more body than is sent.
/// </summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="target"/> untouched and reads the whole answer (HTTP/1.0: no chunking, closed at the end).</summary>
    public static Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(Uri server, string target) =>
        SendAsync(server, $"GET {target} HTTP/1.0\r\nHost: {server.Authority}\r\n\r\n", []);

    /// <summary>Writes <paramref name="head"/> and <paramref name="body"/>, then reads the answer without sending anything more.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(Uri server, string head, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(body);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head), timeout.Token);
        await stream.WriteAsync(body, timeout.Token);

        using var answer = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        try
        {
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                answer.Write(buffer, 0, read);
                if (Parse(answer.ToArray(), atEnd: false) is { } complete)
                {
                    return complete;
                }
            }
        }
        catch (IOException) when (answer.Length > 0)
        {
            // The server may reset a connection whose announced body it will not read.
        }

        return Parse(answer.ToArray(), atEnd: true) ?? throw new InvalidOperationException($"incomplete answer: {Encoding.UTF8.GetString(answer.ToArray())}");
    }

    /// <summary>
    /// Sends <paramref name="request"/> (a whole request head) and reads the answer's head; with
    /// <paramref name="untilClosed"/>, also everything after it until the server closes the connection
    /// (send <c>Connection: close</c>), so an answer that never ends fails with a timeout.
    /// </summary>
    public static async Task<RawAnswer> ExchangeAsync(Uri server, string request, bool untilClosed)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(request);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request), timeout.Token);

        using var answer = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
        {
            answer.Write(buffer, 0, read);
            if (!untilClosed && answer.ToArray().AsSpan().IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        var bytes = answer.ToArray();
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            throw new InvalidOperationException($"incomplete answer: {Encoding.Latin1.GetString(bytes)}");
        }

        var lines = Encoding.Latin1.GetString(bytes, 0, end).Split("\r\n");
        var headers = lines.Skip(1).Select(line => line.Split(':', 2)).Select(p => KeyValuePair.Create(p[0], p[1].Trim())).ToList();
        return new RawAnswer(int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers, bytes[(end + 4)..]);
    }

    private static (HttpStatusCode, JsonElement)? Parse(byte[] bytes, bool atEnd)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }

        var head = text[..end].Split("\r\n");
        var status = (HttpStatusCode)int.Parse(head[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var lengthHeader = head.Skip(1).FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var bodyText = text[(end + 4)..];
        if (!atEnd && (lengthHeader is null || Encoding.UTF8.GetByteCount(bodyText) < int.Parse(lengthHeader[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture)))
        {
            return null;
        }

        // An answer without a body (a HEAD, a 204) has no JSON.
        return (status, bodyText.Length == 0 ? default : JsonDocument.Parse(bodyText).RootElement.Clone());
    }
}

/// <summary>An answer as it came over the wire: the status, the headers in order, and what followed the head.</summary>
public sealed record RawAnswer(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>The values of header <paramref name="name"/> (case-insensitive), in order.</summary>
    public IEnumerable<string> Values(string name) => Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    /// <summary>The body as JSON.</summary>
    public JsonElement Json() => JsonDocument.Parse(Body).RootElement.Clone();
}
