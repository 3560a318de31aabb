using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace KubeAgents.TestSupport;

/// <summary>A real HTTP endpoint on 127.0.0.1 that records every notification it receives.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private int _inFlight;

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>How to answer the n-th request (0-based): a status code, after an optional wait.</summary>
    public Func<int, Task<int>> Answer { get; set; } = _ => Task.FromResult(200);

    public string Url { get; private set; } = string.Empty;

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    public int InFlight => Volatile.Read(ref _inFlight);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        var count = 0;
        async Task Receive(HttpContext context)
        {
            Interlocked.Increment(ref receiver._inFlight);
            try
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync();
                var index = Interlocked.Increment(ref count) - 1;
                receiver._requests.Enqueue(new ReceivedRequest(
                    body,
                    context.Request.ContentType,
                    context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
                context.Response.StatusCode = await receiver.Answer(index);
            }
            finally
            {
                Interlocked.Decrement(ref receiver._inFlight);
            }
        }

        // Chat platforms put the credential in the path: /hook/<token> reaches the same receiver.
        app.MapPost("/hook", Receive);
        app.MapPost("/hook/{**token}", Receive);
        await app.StartAsync();
        receiver.Url = app.Urls.Single() + "/hook";
        return receiver;
    }

    /// <summary>
    /// Waits (real time, bounded) until <paramref name="count"/> requests have arrived, moving the
    /// service's fake clocks forward a step at a time so that retries and polls come due.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(int count, TimeSpan step = default, params FakeTimeProvider[] clocks)
    {
        await Eventually.TrueAsync(
            () => _requests.Count >= count,
            $"{count} notifications ({_requests.Count} arrived when the wait began)",
            TimeSpan.FromSeconds(60),
            between: () =>
            {
                foreach (var clock in clocks)
                {
                    clock.Advance(step == default ? TimeSpan.FromSeconds(1) : step);
                }
            });
        return Requests;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public sealed record ReceivedRequest(string Body, string? ContentType, IReadOnlyDictionary<string, string> Headers);
