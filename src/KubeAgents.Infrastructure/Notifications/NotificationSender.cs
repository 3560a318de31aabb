using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// The webhook transport every channel shares: one POST of a JSON body, an idempotency header that is
/// the same on every attempt, and, with a secret, an HMAC signature over <c>"{timestamp}.{body}"</c>.
/// </summary>
internal sealed class NotificationSender(IHttpClientFactory httpClientFactory, IOptions<NotificationOptions> options, TimeProvider time)
{
    public const string ClientName = "notifications";
    public const string DeliveryHeader = "X-KubeAgents-Delivery";
    public const string TimestampHeader = "X-KubeAgents-Timestamp";
    public const string SignatureHeader = "X-KubeAgents-Signature";

    /// <returns>null when delivered (2xx), else what went wrong.</returns>
    public async Task<string?> PostAsync(Guid deliveryId, string body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Value.WebhookUrl)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add(DeliveryHeader, deliveryId.ToString());
        if (options.Value.Secret is { } secret)
        {
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            request.Headers.Add(TimestampHeader, timestamp);
            request.Headers.Add(SignatureHeader, Sign(secret, timestamp, body));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            var client = httpClientFactory.CreateClient(ClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? null
                : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"timed out after {options.Value.Timeout.TotalSeconds:0.###}s";
        }
        catch (HttpRequestException ex)
        {
            return ex.Message;
        }
    }

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of <c>"{timestamp}.{body}"</c> keyed with the secret.</summary>
    public static string Sign(string secret, string timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return "sha256=" + Convert.ToHexStringLower(mac);
    }
}
