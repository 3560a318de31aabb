using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Events;
using Microsoft.AspNetCore.Http.Features;

namespace KubeAgents.Api.Events;

/// <summary>
/// Writes a subscription as Server-Sent Events: <c>retry:</c> first, then each event as
/// <c>id:</c>/<c>event:</c>/<c>data:</c> (one line of JSON in the API's wire format), a comment every
/// <see cref="KeepAlive"/> on the injected clock, until the client leaves, the subscription ends (the
/// client fell too far behind) or the service stops.
/// </summary>
internal static class ServerSentEvents
{
    public const string ContentType = "text/event-stream";

    /// <summary>A comment line this often keeps proxies and load balancers from closing an idle stream.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>What a client waits before reconnecting (the <c>retry:</c> field).</summary>
    public static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);

    private static readonly byte[] KeepAliveComment = ": keep-alive\n\n"u8.ToArray();

    public static async Task WriteAsync(HttpContext context, IEventSubscription subscription, JsonSerializerOptions json, TimeProvider time, CancellationToken stopping)
    {
        var response = context.Response;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
        // nginx and similar proxies would otherwise hold events back.
        response.Headers["X-Accel-Buffering"] = "no";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            // HEAD: the GET's status and headers, and no stream (Kestrel sends the head when this returns).
            return;
        }

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancellationToken = ending.Token;
        var body = response.BodyWriter;
        try
        {
            await body.WriteAsync(Encoding.UTF8.GetBytes($"retry: {(int)Retry.TotalMilliseconds}\n\n"), cancellationToken);
            await body.FlushAsync(cancellationToken);

            await using var events = subscription.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            var next = events.MoveNextAsync().AsTask();
            var keepAlive = Task.Delay(KeepAlive, time, cancellationToken);
            try
            {
                while (true)
                {
                    var first = await Task.WhenAny(next, keepAlive);
                    if (first == keepAlive)
                    {
                        await keepAlive;
                        await body.WriteAsync(KeepAliveComment, cancellationToken);
                        await body.FlushAsync(cancellationToken);
                        keepAlive = Task.Delay(KeepAlive, time, cancellationToken);
                        continue;
                    }

                    if (!await next)
                    {
                        return;
                    }

                    Write(body, events.Current, json);
                    next = events.MoveNextAsync().AsTask();
                    // Events already waiting go out in one flush.
                    if (!next.IsCompleted)
                    {
                        await body.FlushAsync(cancellationToken);
                    }
                }
            }
            finally
            {
                // An async iterator must not be disposed while its MoveNextAsync is pending, and the
                // keep-alive timer should not outlive the stream: end both first.
                await ending.CancelAsync();
                await Task.WhenAll(next, keepAlive).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left or the service is stopping: the stream just ends.
        }
    }

    private static void Write(IBufferWriter<byte> body, StreamEvent e, JsonSerializerOptions json)
    {
        var header = string.Create(CultureInfo.InvariantCulture, $"id: {e.Id}\nevent: {e.Type}\ndata: ");
        Encoding.UTF8.GetBytes(header, body);
        // JSON without indentation has no line breaks (they are escaped inside strings): one data line.
        using (var writer = new Utf8JsonWriter(body))
        {
            JsonSerializer.Serialize(writer, e.Data, e.Data.GetType(), json);
        }

        Encoding.UTF8.GetBytes("\n\n", body);
    }
}
