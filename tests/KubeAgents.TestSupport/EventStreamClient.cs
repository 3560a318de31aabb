using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;

namespace KubeAgents.TestSupport;

/// <summary>One message of an event stream: its id, event name and JSON data.</summary>
public sealed record SseMessage(long Id, string Event, JsonElement Data);

/// <summary>
/// A Server-Sent Events client of <c>/api/events</c>, as a browser's EventSource reads it: messages,
/// comments and the <c>retry:</c> hint, parsed as they arrive.
/// </summary>
public sealed class EventStreamClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseMessage> _messages = Channel.CreateUnbounded<SseMessage>();
    private readonly TaskCompletionSource _start = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;
    private int _comments;

    private EventStreamClient(HttpResponseMessage response, bool read)
    {
        _response = response;
        if (read)
        {
            _start.SetResult();
        }

        _reading = Task.Run(async () =>
        {
            await _start.Task;
            await ReadAsync();
        });
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Comment lines (keep-alives) received so far.</summary>
    public int Comments => Volatile.Read(ref _comments);

    public int? Retry { get; private set; }

    /// <summary>Ends when the server ends the stream.</summary>
    public Task Completion => _reading;

    /// <param name="read">False: connect but read nothing until <see cref="StartReading"/>, as a stalled client would.</param>
    public static async Task<EventStreamClient> ConnectAsync(HttpClient http, string pathAndQuery = "/api/events", long? lastEventId = null, bool read = true)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is { } id)
        {
            request.Headers.Add("Last-Event-ID", id.ToString(CultureInfo.InvariantCulture));
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            var body = await response.Content.ReadAsStringAsync();
            response.Dispose();
            throw new InvalidOperationException($"Not an event stream: {(int)response.StatusCode} {body}");
        }

        return new EventStreamClient(response, read);
    }

    public void StartReading() => _start.TrySetResult();

    /// <summary>The next <paramref name="count"/> messages, failing after <paramref name="timeout"/>.</summary>
    public async Task<List<SseMessage>> TakeAsync(int count, TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        var taken = new List<SseMessage>(count);
        try
        {
            while (taken.Count < count)
            {
                taken.Add(await _messages.Reader.ReadAsync(limit.Token));
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Received {taken.Count} of {count} events: {string.Join(", ", taken.Select(m => $"{m.Id}:{m.Event}"))}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The stream ended after {taken.Count} of {count} events");
        }

        return taken;
    }

    /// <summary>The next message, or null when none arrives within <paramref name="timeout"/>.</summary>
    public async Task<SseMessage?> TryTakeAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            return await _messages.Reader.ReadAsync(limit.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Messages already received, without waiting.</summary>
    public List<SseMessage> Drain()
    {
        var taken = new List<SseMessage>();
        while (_messages.Reader.TryRead(out var message))
        {
            taken.Add(message);
        }

        return taken;
    }

    public async ValueTask DisposeAsync()
    {
        _start.TrySetResult();
        await _stop.CancelAsync();
        _response.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception)
        {
            // Reading ends with the connection.
        }

        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            using var reader = new StreamReader(await _response.Content.ReadAsStreamAsync(_stop.Token));
            long? id = null;
            string? name = null;
            var data = new List<string>();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data.Count > 0)
                    {
                        using var json = JsonDocument.Parse(string.Join('\n', data));
                        _messages.Writer.TryWrite(new SseMessage(id ?? throw new InvalidOperationException("an event without id"), name ?? "message", json.RootElement.Clone()));
                    }

                    (id, name) = (null, null);
                    data.Clear();
                }
                else if (line[0] == ':')
                {
                    Interlocked.Increment(ref _comments);
                }
                else
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    var field = colon < 0 ? line : line[..colon];
                    var value = colon < 0 ? string.Empty : line[(colon + 1)..].TrimStart(' ');
                    switch (field)
                    {
                        case "id": id = long.Parse(value, CultureInfo.InvariantCulture); break;
                        case "event": name = value; break;
                        case "data": data.Add(value); break;
                        case "retry": Retry = int.Parse(value, CultureInfo.InvariantCulture); break;
                        default: throw new InvalidOperationException($"unknown field {field}");
                    }
                }
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // Disposed.
        }
        finally
        {
            _messages.Writer.TryComplete();
        }
    }
}
