using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using KubeAgents.Api.Configuration;
using KubeAgents.Api.Errors;
using KubeAgents.Api.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KubeAgents.Api.Routing;

/// <summary>
/// Gives the contract's <c>{"error","message"}</c> body to the answers Kestrel writes by itself, for a
/// request it refuses while reading the request line or headers: a NUL in the path (<c>%00</c>, which
/// Kestrel's URL decoder rejects), a malformed request line, a header too large, a missing Host.
/// <para>
/// No middleware sees those requests: Kestrel catches the parse error, writes the status with an empty
/// body and closes the connection (<c>HttpProtocol.ProcessRequestsAsync</c> then
/// <c>TryProduceInvalidRequestResponse</c>), and it offers no hook for that answer. The least intrusive
/// place left is the connection: this connection middleware (<c>ListenOptions.Use</c>) wraps the
/// transport's output and, in the first write after a flush (where a response head starts), recognises
/// Kestrel's own refusal exactly: a 4xx/5xx status from the table below, <c>Content-Length: 0</c>, no body,
/// and no <c>X-Content-Type-Options</c>, which every answer of the application carries
/// (<see cref="Security.SecurityHeaders"/>). It writes the same head with the JSON body instead. Every
/// other write passes through untouched. Rejected alternatives: parsing request lines ahead of Kestrel
/// (it would need HTTP/1.1 framing of bodies and pipelining, Kestrel's job) and a second pipe copying all
/// output (a copy of every response for a rare refusal).
/// </para>
/// </summary>
internal static class KestrelRejectionBody
{
    /// <summary>Room asked for at the start of a response, so that Kestrel writes a refusal's head (about 120 bytes) in one piece.</summary>
    private const int HeadRoom = 512;

    private static readonly Dictionary<int, byte[]> Bodies = BuildBodies();

    public static void Configure(KestrelServerOptions kestrel) =>
        kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => connection =>
        {
            connection.Transport = new Transport(connection.Transport.Input, new RefusalWriter(connection.Transport.Output));
            return next(connection);
        }));

    /// <summary>The answer that replaces <paramref name="head"/>, or null when it is not Kestrel's own refusal.</summary>
    internal static byte[]? Replace(ReadOnlySpan<byte> head)
    {
        if (head.Length < 16 || !head.StartsWith("HTTP/1."u8) || !head.EndsWith("\r\n\r\n"u8)
            || !int.TryParse(head.Slice(9, 3), out var status) || !Bodies.TryGetValue(status, out var body)
            || head.IndexOf("\r\nContent-Length: 0\r\n"u8) < 0 || head.IndexOf("\r\n\r\n"u8) != head.Length - 4
            || head.IndexOf("X-Content-Type-Options"u8) >= 0)
        {
            return null;
        }

        var text = Encoding.ASCII.GetString(head).Replace(
            "\r\nContent-Length: 0\r\n",
            $"\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {body.Length}\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n",
            StringComparison.Ordinal);
        return [.. Encoding.ASCII.GetBytes(text), .. body];
    }

    private static Dictionary<int, byte[]> BuildBodies()
    {
        // The serializer settings of every other error answer (ConfigureHttpJsonOptions uses the same).
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        JsonSetup.Configure(json);
        byte[] Body(ErrorCode code, string message) => JsonSerializer.SerializeToUtf8Bytes(ErrorWriter.Body(code, message), json);
        return new Dictionary<int, byte[]>
        {
            [StatusCodes.Status400BadRequest] = Body(ErrorCode.BadRequest,
                "the request cannot be read: its request line or a header is malformed (a NUL, %00, in the path is one cause)"),
            [StatusCodes.Status405MethodNotAllowed] = Body(ErrorCode.MethodNotAllowed, "method not allowed"),
            [StatusCodes.Status408RequestTimeout] = Body(ErrorCode.BadRequest, "the request headers did not arrive in time"),
            [StatusCodes.Status411LengthRequired] = Body(ErrorCode.BadRequest, "a request body needs Content-Length or Transfer-Encoding: chunked"),
            [StatusCodes.Status413PayloadTooLarge] = Body(ErrorCode.PayloadTooLarge, $"the request body must be at most {RequestLimits.MaxBodyBytes} bytes"),
            [StatusCodes.Status414UriTooLong] = Body(ErrorCode.BadRequest, "the request line is too long"),
            [StatusCodes.Status431RequestHeaderFieldsTooLarge] = Body(ErrorCode.BadRequest, "the request headers are too large"),
            [StatusCodes.Status505HttpVersionNotsupported] = Body(ErrorCode.BadRequest, "the HTTP version is not supported"),
        };
    }

    private sealed class Transport(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>The transport's writer, with Kestrel's empty refusals given a body; Kestrel calls it under its output lock.</summary>
    private sealed class RefusalWriter(PipeWriter inner) : PipeWriter
    {
        private Memory<byte> _lastMemory;
        private bool _atFlushBoundary = true;

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override Memory<byte> GetMemory(int sizeHint = 0) =>
            _lastMemory = inner.GetMemory(_atFlushBoundary ? Math.Max(sizeHint, HeadRoom) : sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void Advance(int bytes)
        {
            if (_atFlushBoundary)
            {
                _atFlushBoundary = false;
                if (bytes <= _lastMemory.Length && Replace(_lastMemory.Span[..bytes]) is { } answer)
                {
                    // The refusal was written to memory not yet advanced: the answer overwrites it.
                    inner.Write(answer);
                    return;
                }
            }

            inner.Advance(bytes);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            _atFlushBoundary = true;
            return inner.FlushAsync(cancellationToken);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}
