using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Notifications;

namespace KubeAgents.UnitTests.Domain;

public class NotificationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    private static Notification Finish(string? name, string? message, string? content, TimeSpan after)
    {
        var agent = Agent.Register("bot", Now);
        agent.Record(name, null, new StatusReport(SessionStatus.Running, Now, null, null, 0), Now);
        var session = Session.Open("bot", "deploy", Now);
        session.Record(new StatusReport(SessionStatus.Running, Now, null, null, 0), Now);
        var outcome = session.Record(new StatusReport(SessionStatus.Failed, Now + after, message, content, 0), Now);
        return Notification.SessionFinished(agent, session, outcome, Now);
    }

    [Fact]
    public void Text_without_message_or_content_has_no_such_lines()
    {
        var notification = Finish("Bot", null, null, TimeSpan.FromSeconds(42));

        notification.Text.Should().Be(
            "🔔 Session Status Change\n\nAgent ID: bot\nAgent Name: Bot\nSession: deploy\nStatus: running → failed\n" +
            "Timestamp: 2026-11-27T10:00:42Z\nDuration: 42s");
        notification.Status.Should().Be(SessionStatus.Failed);
        notification.State.Should().Be(NotificationState.Pending);
        notification.NextAttemptAt.Should().Be(Now);
    }

    [Fact]
    public void Agent_without_a_name_is_named_by_its_id() =>
        Finish(null, null, null, TimeSpan.Zero).Text.Should().Contain("\nAgent Name: bot\n");

    [Fact]
    public void Only_a_finishing_report_makes_a_notification()
    {
        var session = Session.Open("bot", "deploy", Now);
        var outcome = session.Record(new StatusReport(SessionStatus.Running, Now, null, null, 0), Now);

        var act = () => Notification.SessionFinished(Agent.Register("bot", Now), session, outcome, Now);

        act.Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(59.9, "59s")]
    [InlineData(65, "1m 5s")]
    [InlineData(3600, "1h 0m 0s")]
    [InlineData(3723, "1h 2m 3s")]
    [InlineData(93784, "26h 3m 4s")]
    [InlineData(-5, "0s")]
    public void Durations_read_as_hours_minutes_seconds(double seconds, string expected) =>
        Notification.FormatDuration(TimeSpan.FromSeconds(seconds)).Should().Be(expected);

    [Fact]
    public void Failed_attempts_back_off_then_give_up()
    {
        var notification = Finish("Bot", null, null, TimeSpan.Zero);

        notification.MarkAttemptFailed("HTTP 500", Now, TimeSpan.FromSeconds(1), maxAttempts: 2);
        notification.State.Should().Be(NotificationState.Pending);
        notification.NextAttemptAt.Should().Be(Now.AddSeconds(1));
        notification.Attempts.Should().Be(1);

        notification.MarkAttemptFailed(new string('x', 5000), Now.AddSeconds(1), TimeSpan.FromSeconds(2), maxAttempts: 2);
        notification.State.Should().Be(NotificationState.Failed);
        notification.LastError.Should().HaveLength(Notification.MaxErrorLength);
        var claim = () => notification.Claim(Guid.NewGuid(), Now.AddMinutes(1));
        claim.Should().Throw<InvalidOperationException>();
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(5, 16)]
    [InlineData(8, 128)]
    [InlineData(30, 600)]
    public void Backoff_doubles_from_one_second_to_at_most_ten_minutes_with_bounded_jitter(int failedAttempts, double seconds)
    {
        NotificationRetryPolicy.DelayAfter(failedAttempts, 0).Should().Be(TimeSpan.FromSeconds(seconds * 0.8));
        NotificationRetryPolicy.DelayAfter(failedAttempts, 0.999999).Should().BeCloseTo(TimeSpan.FromSeconds(seconds * 1.2), TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public void Signature_is_hex_hmac_sha256_of_timestamp_dot_body() =>
        // echo -n '1764237600.{"a":1}' | openssl dgst -sha256 -hmac secret
        NotificationSender.Sign("secret", "1764237600", "{\"a\":1}").Should().Be(
            "sha256=e925e7e7df9bd2636e63dba753658ca29eabda2aa7487e7c5c23b080dde0f87d");
}
