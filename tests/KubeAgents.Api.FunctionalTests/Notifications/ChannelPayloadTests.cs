using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests.Notifications;

/// <summary>
/// Each channel's payload as a real local receiver gets it, checked against its platform's documented
/// required fields and limits, with hostile user text that must ping nobody and text long enough to be cut.
/// </summary>
public sealed class ChannelPayloadTests : IAsyncLifetime
{
    private const string Secret = "route-secret-Zq9";
    private const string Hostile = "<!channel> @everyone <@123> <at user_id=\"all\">all</at> & more";
    private const string Mark = "… [truncated]";
    private readonly Dictionary<string, WebhookReceiver> _receivers = [];

    public async Task InitializeAsync()
    {
        foreach (var channel in new[] { "slack", "discord", "teams", "lark", "json" })
        {
            _receivers[channel] = await WebhookReceiver.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var receiver in _receivers.Values)
        {
            await receiver.DisposeAsync();
        }
    }

    [SkippableTheory]
    [BothStores]
    public async Task Each_channel_speaks_its_platform_format_within_its_limits(StoreKind store)
    {
        await using var service = await RoutesService.StartAsync(store);
        foreach (var (channel, receiver) in _receivers)
        {
            await service.AddRouteAsync($"{channel} route", channel, receiver.Url, channel is "lark" or "json" ? Secret : null);
        }

        var t0 = KubeAgentsApi.Epoch;
        await service.Client.ReportAsync("agent-1", Hostile, "running", t0, agentName: "@here");
        await service.Client.ReportAsync(
            "agent-1", Hostile, "failed", t0.AddSeconds(3723), message: "m" + Hostile + new string('x', 900), content: Hostile + new string('é', 9900));

        var now = service.Api.Clock.GetUtcNow();
        CheckSlack(await SingleAsync("slack"));
        CheckDiscord(await SingleAsync("discord"));
        CheckTeams(await SingleAsync("teams"));
        CheckLark(await SingleAsync("lark"), now);
        CheckJson(await SingleAsync("json"));
    }

    private async Task<ReceivedRequest> SingleAsync(string channel) => (await _receivers[channel].WaitForAsync(1)).Single();

    private static void CheckSlack(ReceivedRequest request)
    {
        var root = JsonDocument.Parse(request.Body).RootElement;
        root.Str("text").Should().NotBeNullOrEmpty().And.Contain("&lt;!channel&gt;");
        var blocks = root.Items("blocks");
        blocks[0].Str("type").Should().Be("header");
        blocks[0].GetProperty("text").Str("type").Should().Be("plain_text");
        blocks[0].GetProperty("text").Str("text").Length.Should().BeLessThanOrEqualTo(150);
        var sections = blocks.Skip(1).ToArray();
        sections.Should().OnlyContain(b => b.Str("type") == "section" && b.GetProperty("text").Str("type") == "mrkdwn");
        sections.Should().OnlyContain(b => b.GetProperty("text").Str("text").Length <= 3000, "Slack refuses a text object over 3,000 characters");
        sections.Last().GetProperty("text").Str("text").Should().EndWith(Mark);
        request.Body.Should().NotContain("<!channel>").And.NotContain("<@123>");
    }

    private static void CheckDiscord(ReceivedRequest request)
    {
        var root = JsonDocument.Parse(request.Body).RootElement;
        root.Str("content").Length.Should().BeInRange(1, 2000);
        root.GetProperty("allowed_mentions").Items("parse").Should().BeEmpty("no mention may ping");
        var embed = root.Items("embeds").Single();
        embed.Str("title").Length.Should().BeLessThanOrEqualTo(256);
        embed.GetProperty("color").GetInt32().Should().Be(0xE74C3C, "failed is red");
        embed.Str("description").Length.Should().BeLessThanOrEqualTo(4096);
        embed.Str("description").Should().EndWith(Mark);
        embed.Items("fields").Should().OnlyContain(f => f.Str("value").Length <= 1024 && f.Str("name").Length <= 256);
        request.Body.Should().NotContain("@everyone").And.NotContain("@here");
        root.Str("content").Should().Contain("@\u200Beveryone");
    }

    private static void CheckTeams(ReceivedRequest request)
    {
        var root = JsonDocument.Parse(request.Body).RootElement;
        root.Str("type").Should().Be("message");
        var attachment = root.Items("attachments").Single();
        attachment.Str("contentType").Should().Be("application/vnd.microsoft.card.adaptive");
        var card = attachment.GetProperty("content");
        card.Str("type").Should().Be("AdaptiveCard");
        card.Str("version").Should().Be("1.4");
        card.Str("$schema").Should().Be("http://adaptivecards.io/schemas/adaptive-card.json");
        card.Items("body").Should().NotBeEmpty();
        card.TryGetProperty("msteams", out _).Should().BeFalse("a Teams mention needs msteams.entities, never sent");
        root.ToString().Should().NotContain("<at ");
        Encoding.UTF8.GetByteCount(request.Body).Should().BeLessThan(28 * 1024, "Teams refuses messages over 28 KB");
    }

    private static void CheckLark(ReceivedRequest request, DateTimeOffset now)
    {
        var root = JsonDocument.Parse(request.Body).RootElement;
        root.Str("msg_type").Should().Be("text");
        var timestamp = root.Str("timestamp");
        long.Parse(timestamp, CultureInfo.InvariantCulture).Should().Be(now.ToUnixTimeSeconds());
        // Lark's documented check: base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = empty)).
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes($"{timestamp}\n{Secret}"), Array.Empty<byte>()));
        root.Str("sign").Should().Be(expected);
        var text = root.GetProperty("content").Str("text");
        text.Should().StartWith("🔔 Session Status Change").And.NotContain("<at ").And.EndWith(Mark);
        Encoding.UTF8.GetByteCount(request.Body).Should().BeLessThanOrEqualTo(20 * 1024, "Lark refuses a request body over 20 KB");
    }

    private static void CheckJson(ReceivedRequest request)
    {
        var root = JsonDocument.Parse(request.Body).RootElement;
        root.Str("type").Should().Be("session.finished");
        root.GetProperty("version").GetInt32().Should().Be(1);
        root.GetProperty("session").Str("session_topic").Should().Be(Hostile, "a program gets the text as it was reported");
        var timestamp = request.Headers["X-KubeAgents-Timestamp"];
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{timestamp}.{request.Body}")));
        request.Headers["X-KubeAgents-Signature"].Should().Be(expected);
    }
}
