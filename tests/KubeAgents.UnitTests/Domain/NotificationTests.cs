using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Notifications;

namespace KubeAgents.UnitTests.Domain;

public class NotificationTests
{
    internal static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A notification for a session of agent "bot" on "deploy" that ran from <see cref="Now"/> and failed <paramref name="after"/> later.</summary>
    internal static Notification Finish(string? name, string? message, string? content, TimeSpan after)
    {
        var agent = Agent.Register("bot", Now);
        agent.Record(name, null, new StatusReport(SessionStatus.Running, Now, null, null, 0), Now);
        var session = Session.Open("bot", "deploy", Now);
        session.Record(new StatusReport(SessionStatus.Running, Now, null, null, 0), Now);
        var outcome = session.Record(new StatusReport(SessionStatus.Failed, Now + after, message, content, 0), Now);
        return Notification.SessionFinished(agent, session, outcome, Now);
    }

    [Fact]
    public void Notification_keeps_the_facts_of_the_finished_session()
    {
        var notification = Finish("Bot", "done", "log", TimeSpan.FromSeconds(42));

        notification.AgentId.Should().Be("bot");
        notification.AgentName.Should().Be("Bot");
        notification.SessionTopic.Should().Be("deploy");
        notification.PreviousStatus.Should().Be(SessionStatus.Running);
        notification.Status.Should().Be(SessionStatus.Failed);
        notification.RunningSince.Should().Be(Now);
        notification.OccurredAt.Should().Be(Now.AddSeconds(42));
        notification.Duration.Should().Be(TimeSpan.FromSeconds(42));
        notification.Message.Should().Be("done");
        notification.Content.Should().Be("log");
        notification.LegacyText.Should().BeNull();
        notification.State.Should().Be(NotificationState.Pending);
        notification.NextAttemptAt.Should().Be(Now);
    }

    [Fact]
    public void Only_a_finishing_report_makes_a_notification()
    {
        var session = Session.Open("bot", "deploy", Now);
        var outcome = session.Record(new StatusReport(SessionStatus.Running, Now, null, null, 0), Now);

        var act = () => Notification.SessionFinished(Agent.Register("bot", Now), session, outcome, Now);

        act.Should().Throw<ArgumentException>();
    }

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

}
