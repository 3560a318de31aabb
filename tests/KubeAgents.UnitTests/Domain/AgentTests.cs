using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.UnitTests.Domain;

public class AgentTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    private static StatusReport Report(SessionStatus status, DateTimeOffset timestamp, string? message = null) =>
        new(status, timestamp, message, null, 0);

    [Fact]
    public void Registration_sets_registered_and_last_seen_to_now()
    {
        var agent = Agent.Register("cursor", Now);

        agent.Registered.Should().Be(Now);
        agent.LastSeen.Should().Be(Now);
        agent.Name.Should().BeNull();
        agent.LatestStatus.Should().BeNull();
    }

    [Fact]
    public void Name_and_source_change_only_when_a_report_carries_a_value()
    {
        var agent = Agent.Register("cursor", Now);
        agent.Record("Cursor", "ide", Report(SessionStatus.Running, Now), Now);

        agent.Record(null, "", Report(SessionStatus.Running, Now), Now.AddMinutes(1));
        agent.Name.Should().Be("Cursor");
        agent.Source.Should().Be("ide");
        agent.LastSeen.Should().Be(Now.AddMinutes(1));

        agent.Record("Cursor 2", null, Report(SessionStatus.Running, Now), Now.AddMinutes(2));
        agent.Name.Should().Be("Cursor 2");
        agent.Source.Should().Be("ide");
    }

    [Fact]
    public void Latest_status_is_the_greatest_timestamp_over_all_sessions()
    {
        var agent = Agent.Register("cursor", Now);
        agent.Record(null, null, Report(SessionStatus.Failed, Now.AddMinutes(5), "late"), Now);

        agent.Record(null, null, Report(SessionStatus.Running, Now, "early"), Now.AddMinutes(1));

        agent.LatestStatus.Should().Be(SessionStatus.Failed);
        agent.LatestMessage.Should().Be("late");
        agent.LastSeen.Should().Be(Now.AddMinutes(1), "an older report still shows the agent is alive");
    }

    [Fact]
    public void Latest_message_is_cleared_by_a_newer_report_without_one()
    {
        var agent = Agent.Register("cursor", Now);
        agent.Record(null, null, Report(SessionStatus.Running, Now, "working"), Now);

        agent.Record(null, null, Report(SessionStatus.Success, Now.AddMinutes(1)), Now);

        agent.LatestStatus.Should().Be(SessionStatus.Success);
        agent.LatestMessage.Should().BeNull();
    }

    [Fact]
    public void A_report_accepted_earlier_but_applied_later_never_moves_last_seen_back()
    {
        var agent = Agent.Register("a", Now);
        agent.Record(null, null, Report(SessionStatus.Running, Now), Now.AddSeconds(2));

        agent.Record(null, null, Report(SessionStatus.Running, Now), Now.AddSeconds(1));

        agent.LastSeen.Should().Be(Now.AddSeconds(2));
    }
}
