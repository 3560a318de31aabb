using KubeAgents.Domain.Sessions;

namespace KubeAgents.UnitTests.Domain;

public class SessionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    private static StatusReport Report(SessionStatus status, DateTimeOffset timestamp, int ttl = 0, string? message = null) =>
        new(status, timestamp, message, null, ttl);

    [Fact]
    public void New_session_has_default_ttl_and_no_status()
    {
        var session = Session.Open("agent", "topic", Now);

        session.Created.Should().Be(Now);
        session.LastUpdated.Should().Be(Now);
        session.TtlMinutes.Should().Be(30);
        session.ExpiresAt.Should().Be(Now.AddMinutes(30));
        session.CurrentStatus.Should().BeNull();
        session.Expired.Should().BeFalse();
    }

    [Fact]
    public void Record_appends_to_history_and_sets_current_status()
    {
        var session = Session.Open("agent", "topic", Now);

        var outcome = session.Record(Report(SessionStatus.Running, Now, message: "go"), Now);

        session.History.Should().ContainSingle().Which.Should().BeSameAs(outcome.Entry);
        outcome.Entry.AgentId.Should().Be("agent");
        outcome.Entry.Message.Should().Be("go");
        outcome.BecameCurrent.Should().BeTrue();
        outcome.PreviousStatus.Should().BeNull();
        session.CurrentStatus.Should().Be(SessionStatus.Running);
        session.CurrentStatusAt.Should().Be(Now);
    }

    [Fact]
    public void Positive_ttl_overrides_and_zero_keeps_it()
    {
        var session = Session.Open("agent", "topic", Now);

        session.Record(Report(SessionStatus.Running, Now, ttl: 5), Now);
        session.TtlMinutes.Should().Be(5);
        session.ExpiresAt.Should().Be(Now.AddMinutes(5));

        var later = Now.AddMinutes(2);
        session.Record(Report(SessionStatus.Running, later, ttl: 0), later);
        session.TtlMinutes.Should().Be(5);
        session.LastUpdated.Should().Be(later);
        session.ExpiresAt.Should().Be(later.AddMinutes(5));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1441)]
    public void Ttl_outside_the_contract_is_refused(int ttl)
    {
        var session = Session.Open("agent", "topic", Now);

        var act = () => session.Record(Report(SessionStatus.Running, Now, ttl: ttl), Now);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Session_expires_only_after_the_ttl_has_passed()
    {
        var session = Session.Open("agent", "topic", Now);
        session.Record(Report(SessionStatus.Running, Now, ttl: 10), Now);

        session.IsExpiredAt(Now.AddMinutes(10)).Should().BeFalse("expiry is now > last_updated + ttl");
        session.IsExpiredAt(Now.AddMinutes(10).AddTicks(1)).Should().BeTrue();
    }

    [Fact]
    public void Report_on_expired_session_revives_it()
    {
        // Marked or not (the stores' sweepers persist the mark in SQL), a session past its TTL is expired.
        var session = Session.Open("agent", "topic", Now);
        session.IsExpiredAt(Now.AddHours(1)).Should().BeTrue();

        var later = Now.AddHours(2);
        session.Record(Report(SessionStatus.Running, later), later);

        session.Expired.Should().BeFalse();
        session.ExpiredAt.Should().BeNull();
        session.IsExpiredAt(later).Should().BeFalse();
        session.ExpiresAt.Should().Be(later.AddMinutes(30));
    }

    [Fact]
    public void Out_of_order_older_report_is_kept_in_history_but_changes_no_status()
    {
        var session = Session.Open("agent", "topic", Now);
        session.Record(Report(SessionStatus.Success, Now.AddMinutes(5)), Now);

        var outcome = session.Record(Report(SessionStatus.Running, Now), Now.AddSeconds(1));

        outcome.BecameCurrent.Should().BeFalse();
        session.CurrentStatus.Should().Be(SessionStatus.Success);
        session.CurrentStatusAt.Should().Be(Now.AddMinutes(5));
        session.History.Should().HaveCount(2);
    }

    [Fact]
    public void Equal_timestamps_go_to_the_later_arrival()
    {
        var session = Session.Open("agent", "topic", Now);
        session.Record(Report(SessionStatus.Running, Now), Now);

        session.Record(Report(SessionStatus.Failed, Now), Now.AddSeconds(1)).BecameCurrent.Should().BeTrue();

        session.CurrentStatus.Should().Be(SessionStatus.Failed);
    }

    [Fact]
    public void Instants_with_offsets_compare_as_instants()
    {
        var session = Session.Open("agent", "topic", Now);
        // 17:00+08:00 is 09:00Z, earlier than 10:00Z.
        session.Record(Report(SessionStatus.Success, Now), Now);

        var outcome = session.Record(Report(SessionStatus.Running, new DateTimeOffset(2026, 11, 27, 17, 0, 0, TimeSpan.FromHours(8))), Now);

        outcome.BecameCurrent.Should().BeFalse();
        session.CurrentStatus.Should().Be(SessionStatus.Success);
    }

    [Fact]
    public void First_running_time_is_the_earliest_running_timestamp()
    {
        var session = Session.Open("agent", "topic", Now);
        session.Record(Report(SessionStatus.Pending, Now.AddMinutes(-10)), Now);
        session.FirstRunningAt.Should().BeNull();

        session.Record(Report(SessionStatus.Running, Now), Now);
        session.Record(Report(SessionStatus.Running, Now.AddMinutes(3)), Now);
        session.Record(Report(SessionStatus.Running, Now.AddMinutes(-2)), Now);

        session.FirstRunningAt.Should().Be(Now.AddMinutes(-2));
    }

    [Theory]
    [InlineData(SessionStatus.Running, SessionStatus.Success, true)]
    [InlineData(SessionStatus.Running, SessionStatus.Failed, true)]
    [InlineData(SessionStatus.Running, SessionStatus.Running, false)]
    [InlineData(SessionStatus.Running, SessionStatus.Pending, false)]
    [InlineData(SessionStatus.Pending, SessionStatus.Success, false)]
    [InlineData(SessionStatus.Success, SessionStatus.Success, false)]
    [InlineData(SessionStatus.Failed, SessionStatus.Success, false)]
    public void Only_running_to_success_or_failed_finishes_a_session(SessionStatus from, SessionStatus to, bool finished)
    {
        var session = Session.Open("agent", "topic", Now);
        session.Record(Report(from, Now), Now);

        session.Record(Report(to, Now.AddMinutes(1)), Now).Finished.Should().Be(finished);
    }

    [Fact]
    public void First_report_finishes_nothing()
    {
        var session = Session.Open("agent", "topic", Now);

        session.Record(Report(SessionStatus.Success, Now), Now).Finished.Should().BeFalse();
    }

    [Fact]
    public void Out_of_order_terminal_report_does_not_finish_the_session()
    {
        var session = Session.Open("agent", "topic", Now);
        session.Record(Report(SessionStatus.Running, Now), Now);

        session.Record(Report(SessionStatus.Success, Now.AddMinutes(-1)), Now).Finished.Should().BeFalse();
        session.CurrentStatus.Should().Be(SessionStatus.Running);
    }

    [Fact]
    public void A_report_accepted_earlier_but_applied_later_never_moves_the_session_back()
    {
        var session = Session.Open("a", "t", Now);
        session.Record(Report(SessionStatus.Running, Now), Now.AddSeconds(2));

        session.Record(Report(SessionStatus.Running, Now), Now.AddSeconds(1));

        session.LastUpdated.Should().Be(Now.AddSeconds(2));
        session.ExpiresAt.Should().Be(Now.AddSeconds(2).AddMinutes(Session.DefaultTtlMinutes));
    }
}
