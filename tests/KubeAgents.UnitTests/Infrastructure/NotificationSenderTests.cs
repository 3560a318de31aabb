using System.Text.Json;
using KubeAgents.Infrastructure.Notifications;
using static KubeAgents.UnitTests.Domain.NotificationTests;

namespace KubeAgents.UnitTests.Infrastructure;

/// <summary>What the webhook transport signs and what each channel sends.</summary>
public class NotificationSenderTests
{
    [Fact]
    public void Signature_is_hex_hmac_sha256_of_timestamp_dot_body() =>
        // echo -n '1764237600.{"a":1}' | openssl dgst -sha256 -hmac secret
        NotificationSender.Sign("secret", "1764237600", "{\"a\":1}").Should().Be(
            "sha256=e925e7e7df9bd2636e63dba753658ca29eabda2aa7487e7c5c23b080dde0f87d");

    [Fact]
    public void Lark_text_without_message_or_content_has_no_such_lines() =>
        LarkChannel.Text(Finish("Bot", null, null, TimeSpan.FromSeconds(42))).Should().Be(
            "🔔 Session Status Change\n\nAgent ID: bot\nAgent Name: Bot\nSession: deploy\nStatus: running → failed\n" +
            "Timestamp: 2026-11-27T10:00:42Z\nDuration: 42s");

    [Fact]
    public void Lark_names_an_agent_without_a_name_by_its_id() =>
        LarkChannel.Text(Finish(null, null, null, TimeSpan.Zero)).Should().Contain("\nAgent Name: bot\n");

    [Fact]
    public void Lark_payload_is_the_original_bytes() =>
        // The original service's body: Go's encoding/json escapes as System.Text.Json's default encoder does.
        LarkChannel.Payload(Finish("Bot", "m", "c", TimeSpan.FromMilliseconds(61_500))).Should().Be(
            """{"msg_type":"text","content":{"text":"\uD83D\uDD14 Session Status Change\n\nAgent ID: bot\nAgent Name: Bot\nSession: deploy\n""" +
            """Status: running \u2192 failed\nTimestamp: 2026-11-27T10:01:01.5Z\nDuration: 1m 1s\nMessage: m\nContent: c"}}""");

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(59.9, "59s")]
    [InlineData(65, "1m 5s")]
    [InlineData(3600, "1h 0m 0s")]
    [InlineData(3723, "1h 2m 3s")]
    [InlineData(93784, "26h 3m 4s")]
    [InlineData(-5, "0s")]
    public void Lark_durations_read_as_hours_minutes_seconds(double seconds, string expected) =>
        LarkChannel.FormatDuration(TimeSpan.FromSeconds(seconds)).Should().Be(expected);

    [Fact]
    public void Json_event_carries_the_facts_in_the_wire_format() =>
        JsonEventChannel.Payload(Finish("Bot", "merged", "PR #42", TimeSpan.FromMilliseconds(3_723_250))).Should().Be(
            """{"type":"session.finished","version":1,"agent":{"agent_id":"bot","name":"Bot"},"session":{"session_topic":"deploy"}""" +
            ""","from":"running","to":"failed","duration_seconds":3723.25,"occurred_at":"2026-11-27T11:02:03.25Z","message":"merged","content":"PR #42"}""");

    [Fact]
    public void Json_event_omits_what_the_session_did_not_have()
    {
        var root = JsonDocument.Parse(JsonEventChannel.Payload(Finish(null, null, null, TimeSpan.Zero))).RootElement;

        root.GetProperty("agent").TryGetProperty("name", out _).Should().BeFalse();
        root.TryGetProperty("message", out _).Should().BeFalse();
        root.TryGetProperty("content", out _).Should().BeFalse();
        root.GetProperty("duration_seconds").GetDouble().Should().Be(0);
    }
}
