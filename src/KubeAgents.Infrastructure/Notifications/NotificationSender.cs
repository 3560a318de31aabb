using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// The webhook transport every channel shares: one POST of a JSON body with the channel's headers, an
/// idempotency header that is the same on every attempt and, for a route that signs with headers (the
/// implicit route, JSON routes), an HMAC signature over <c>"{timestamp}.{body}"</c>. It never logs
/// or returns the URL: for Slack, Discord and Teams the URL is the credential.
/// </summary>
internal sealed class NotificationSender(IHttpClientFactory httpClientFactory, IOptions<NotificationOptions> options, TimeProvider time)
{
    public const string ClientName = "notifications";
    public const string DeliveryHeader = "X-KubeAgents-Delivery";
    public const string TimestampHeader = "X-KubeAgents-Timestamp";
    public const string SignatureHeader = "X-KubeAgents-Signature";

    /// <summary>Posts one attempt.</summary>
    /// <returns>The receiver's status code (none when it never answered) and, unless 2xx, what went wrong.</returns>
    public async Task<SendResult> PostAsync(Uri url, Guid deliveryId, WebhookMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(message.Body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add(DeliveryHeader, deliveryId.ToString());
        foreach (var (name, value) in message.Headers)
        {
            request.Headers.Add(name, value);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            var client = httpClientFactory.CreateClient(ClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return new SendResult(status, response.IsSuccessStatusCode ? null : $"HTTP {status} {response.ReasonPhrase}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendResult(null, $"timed out after {options.Value.Timeout.TotalSeconds:0.###}s");
        }
        catch (HttpRequestException ex)
        {
            // The message names the host and port at most (connection refused, name not resolved), never the path.
            return new SendResult(null, ex.Message);
        }
    }

    /// <summary>The <c>X-KubeAgents-Timestamp</c> and <c>X-KubeAgents-Signature</c> headers of <paramref name="body"/>, or none without a secret.</summary>
    public static Dictionary<string, string> SignatureHeaders(string? secret, DateTimeOffset now, string body)
    {
        if (secret is null)
        {
            return [];
        }

        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string> { [TimestampHeader] = timestamp, [SignatureHeader] = Sign(secret, timestamp, body) };
    }

    /// <summary>The clock the signatures use.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of <c>"{timestamp}.{body}"</c> keyed with the secret.</summary>
    public static string Sign(string secret, string timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return "sha256=" + Convert.ToHexStringLower(mac);
    }
}

/// <summary>One attempt's outcome: <see cref="Error"/> is null when delivered; <see cref="Final"/> when no retry can help.</summary>
internal sealed record SendResult(int? StatusCode, string? Error, bool Final = false)
{
    /// <summary>Cancelled by shutdown before the receiver answered: released unsent, not counted as an attempt.</summary>
    public static SendResult Interrupted { get; } = new(null, "interrupted by shutdown") { WasInterrupted = true };

    public bool WasInterrupted { get; private init; }

    public static SendResult GiveUp(string reason) => new(null, reason, Final: true);
}
