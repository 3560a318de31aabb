using System.Text.Json;
using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Notifications;
using static KubeAgents.UnitTests.Domain.NotificationTests;

namespace KubeAgents.UnitTests.Notifications;

/// <summary>The exact payload of each channel for one notification: the examples of docs/notifications.md.</summary>
public class ChannelRenderingTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    private static Notification Failed => Finish("Bot", "tests red", "3 failures", TimeSpan.FromSeconds(75));

    private static Notification Silent => Notification.SessionSilent(
        new SilentSession("bot", "Bot", "deploy", SessionStatus.Running, At, "step 3 of 9", At.AddMinutes(1), At.AddMinutes(31)), At.AddMinutes(32), null);

    [Fact]
    public void Slack_payload() => SlackChannel.Payload(Failed).Should().Be(
        """{"text":"Session finished: failed: bot / deploy","blocks":[{"type":"header","text":{"type":"plain_text","text":"Session finished: failed"}},{"type":"section","text":{"type":"mrkdwn","text":"*Agent:* Bot (bot)\n*Session:* deploy\n*Status:* running \u2192 failed\n*Timestamp:* 2026-11-27T10:01:15Z\n*Duration:* 1m 15s"}},{"type":"section","text":{"type":"mrkdwn","text":"*Message:*\ntests red"}},{"type":"section","text":{"type":"mrkdwn","text":"*Content:*\n3 failures"}}]}""");

    [Fact]
    public void Discord_payload() => DiscordChannel.Payload(Silent).Should().Be(
        """{"content":"Session went silent: bot / deploy","embeds":[{"title":"Session went silent","color":15844367,"fields":[{"name":"Agent","value":"Bot (bot)","inline":true},{"name":"Session","value":"deploy","inline":true},{"name":"Last status","value":"running at 2026-11-27T10:00:00Z","inline":true},{"name":"Quiet for","value":"31m 0s","inline":true}],"timestamp":"2026-11-27T10:00:00Z","description":"**Message:** step 3 of 9"}],"allowed_mentions":{"parse":[]}}""");

    [Fact]
    public void Discord_colour_per_outcome()
    {
        static int Colour(Notification notification) =>
            JsonDocument.Parse(DiscordChannel.Payload(notification)).RootElement.GetProperty("embeds")[0].GetProperty("color").GetInt32();
        var success = Notification.Sample("team chat", At);
        success.Status.Should().Be(SessionStatus.Success);

        Colour(success).Should().Be(0x2ECC71, "success is green");
        Colour(Failed).Should().Be(0xE74C3C, "failed is red");
        Colour(Silent).Should().Be(0xF1C40F, "silent is amber");
    }

    [Fact]
    public void Slack_silent_payload() => SlackChannel.Payload(Silent).Should().Be(
        """{"text":"Session went silent: bot / deploy","blocks":[{"type":"header","text":{"type":"plain_text","text":"Session went silent"}},{"type":"section","text":{"type":"mrkdwn","text":"*Agent:* Bot (bot)\n*Session:* deploy\n*Last status:* running at 2026-11-27T10:00:00Z\n*Quiet for:* 31m 0s"}},{"type":"section","text":{"type":"mrkdwn","text":"*Message:*\nstep 3 of 9"}}]}""");

    [Fact]
    public void Teams_silent_payload() => TeamsChannel.Payload(Silent).Should().Be(
        """{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","contentUrl":null,"content":{"$schema":"http://adaptivecards.io/schemas/adaptive-card.json","type":"AdaptiveCard","version":"1.4","body":[{"type":"TextBlock","text":"Session went silent","weight":"Bolder","size":"Medium","wrap":true},{"type":"FactSet","facts":[{"title":"Agent","value":"Bot (bot)"},{"title":"Session","value":"deploy"},{"title":"Last status","value":"running at 2026-11-27T10:00:00Z"},{"title":"Quiet for","value":"31m 0s"}]},{"type":"TextBlock","text":"step 3 of 9","wrap":true}]}}]}""");

    [Fact]
    public void Teams_payload() => TeamsChannel.Payload(Failed).Should().Be(
        """{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","contentUrl":null,"content":{"$schema":"http://adaptivecards.io/schemas/adaptive-card.json","type":"AdaptiveCard","version":"1.4","body":[{"type":"TextBlock","text":"Session finished: failed","weight":"Bolder","size":"Medium","wrap":true},{"type":"FactSet","facts":[{"title":"Agent","value":"Bot (bot)"},{"title":"Session","value":"deploy"},{"title":"Status","value":"running \u2192 failed"},{"title":"Timestamp","value":"2026-11-27T10:01:15Z"},{"title":"Duration","value":"1m 15s"}]},{"type":"TextBlock","text":"tests red","wrap":true},{"type":"TextBlock","text":"3 failures","wrap":true,"isSubtle":true}]}}]}""");

    [Fact]
    public void Lark_silent_text() => LarkChannel.Text(Silent).Should().Be(
        "🔕 Session Went Silent\n\nAgent ID: bot\nAgent Name: Bot\nSession: deploy\nLast Status: running\nLast Status At: 2026-11-27T10:00:00Z\nQuiet For: 31m 0s\nMessage: step 3 of 9");

    [Fact]
    public void Lark_signs_in_the_body_with_a_secret()
    {
        var message = new LarkChannel().Render(Failed, new ChannelContext("s3cret", At));

        message.Body.Should().StartWith("{\"timestamp\":\"1795773600\",\"sign\":\"" + LarkChannel.Sign("s3cret", "1795773600") + "\",\"msg_type\":\"text\"");
        message.Headers.Should().BeEmpty();
    }

    [Fact]
    public void Json_silent_event() => JsonEventChannel.Payload(Silent).Should().Be(
        """{"type":"session.silent","version":1,"agent":{"agent_id":"bot","name":"Bot"},"session":{"session_topic":"deploy"},"last_status":"running","last_status_at":"2026-11-27T10:00:00Z","last_report_at":"2026-11-27T10:01:00Z","quiet_seconds":1860,"message":"step 3 of 9"}""");

    [Fact]
    public void Json_signs_with_headers_only_with_a_secret()
    {
        new JsonEventChannel().Render(Failed, new ChannelContext(null, At)).Headers.Should().BeEmpty();
        var signed = new JsonEventChannel().Render(Failed, new ChannelContext("k", At));
        signed.Headers[NotificationSender.SignatureHeader].Should().Be(NotificationSender.Sign("k", "1795773600", signed.Body));
    }

    [Theory]
    [InlineData(10, 10)]
    [InlineData(41, 40)]
    [InlineData(3001, 3000)]
    public void Truncation_keeps_the_limit_and_is_marked(int length, int max)
    {
        var text = NotificationText.Truncate(new string('a', length), max);

        text.Length.Should().BeLessThanOrEqualTo(max);
        if (length > max)
        {
            text.Should().EndWith(NotificationText.TruncationMark);
        }
        else
        {
            text.Should().Be(new string('a', length));
        }
    }

    [Theory]
    [InlineData(20)]
    [InlineData(21)]
    public void Truncation_never_splits_a_surrogate_pair(int max)
    {
        var text = NotificationText.Truncate(new string('a', 5) + string.Concat(Enumerable.Repeat("😀", 20)), max);

        text.Count(char.IsHighSurrogate).Should().Be(text.Count(char.IsLowSurrogate));
        text.Should().EndWith(NotificationText.TruncationMark);
    }

    [Theory]
    [InlineData("<!channel> & <@U1>", "&lt;!channel&gt; &amp; &lt;@U1&gt;")]
    public void Slack_escapes_its_control_characters(string text, string expected) => SlackChannel.Escape(text).Should().Be(expected);
}
