using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.UnitTests.Domain;

public class WireNamesTests
{
    [Fact]
    public void Every_status_round_trips_through_its_wire_name()
    {
        foreach (var status in Enum.GetValues<SessionStatus>())
        {
            SessionStatusExtensions.TryParseWireName(status.ToWireName(), out var parsed).Should().BeTrue();
            parsed.Should().Be(status);
        }

        SessionStatusExtensions.Wire.List.Should().Be("running, pending, success, failed");
        NotificationStateExtensions.Wire.List.Should().Be("pending, delivered, failed");
    }

    [Theory]
    [InlineData("RUNNING")]
    [InlineData("Running")]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("done")]
    [InlineData(" running")]
    [InlineData("")]
    [InlineData(null)]
    public void Only_the_exact_lower_case_name_parses(string? text)
    {
        SessionStatusExtensions.TryParseWireName(text, out _).Should().BeFalse();
        NotificationStateExtensions.TryParseWireName(text, out _).Should().BeFalse();
    }
}
