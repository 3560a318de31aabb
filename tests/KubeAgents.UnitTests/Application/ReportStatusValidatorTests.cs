using KubeAgents.Application.Reports.Commands.ReportStatus;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.UnitTests.Application;

public class ReportStatusValidatorTests
{
    private static readonly ReportStatusValidator Validator = new();

    private static readonly ReportStatusCommand Valid = new()
    {
        AgentId = "cursor-1",
        SessionTopic = "fix the build",
        Status = SessionStatus.Running,
        Timestamp = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero),
    };

    private static string[] Errors(ReportStatusCommand command) =>
        [.. Validator.Validate(command).Errors.Select(e => e.ErrorMessage)];

    [Fact]
    public void Minimal_report_is_valid() => Errors(Valid).Should().BeEmpty();

    [Fact]
    public void Full_report_at_every_limit_is_valid()
    {
        var command = Valid with
        {
            AgentId = new string('a', 100),
            AgentName = new string('n', 200),
            AgentSource = new string('s', 200),
            SessionTopic = new string('t', 500),
            Message = new string('m', 1000),
            Content = new string('c', 10000),
            TtlMinutes = 1440,
        };

        Errors(command).Should().BeEmpty();
    }

    [Fact]
    public void Limits_count_characters_not_bytes() =>
        Errors(Valid with { SessionTopic = new string('中', 500), AgentId = new string('é', 100) }).Should().BeEmpty();

    [Theory]
    [InlineData(nameof(ReportStatusCommand.AgentId), "agent_id", 100)]
    [InlineData(nameof(ReportStatusCommand.AgentName), "agent_name", 200)]
    [InlineData(nameof(ReportStatusCommand.AgentSource), "agent_source", 200)]
    [InlineData(nameof(ReportStatusCommand.SessionTopic), "session_topic", 500)]
    [InlineData(nameof(ReportStatusCommand.Message), "message", 1000)]
    [InlineData(nameof(ReportStatusCommand.Content), "content", 10000)]
    public void One_character_over_a_limit_fails_naming_the_field(string property, string field, int limit)
    {
        var command = With(property, new string('x', limit + 1));

        Errors(command).Should().ContainSingle().Which.Should().Be($"{field} must be at most {limit} characters (got {limit + 1})");
    }

    [Theory]
    [InlineData(nameof(ReportStatusCommand.AgentId), "agent_id")]
    [InlineData(nameof(ReportStatusCommand.AgentName), "agent_name")]
    [InlineData(nameof(ReportStatusCommand.AgentSource), "agent_source")]
    [InlineData(nameof(ReportStatusCommand.SessionTopic), "session_topic")]
    [InlineData(nameof(ReportStatusCommand.Message), "message")]
    [InlineData(nameof(ReportStatusCommand.Content), "content")]
    public void Nul_characters_are_refused_in_every_text_field(string property, string field) =>
        Errors(With(property, "a\0b")).Should().ContainSingle().Which.Should().Be($"{field} must not contain NUL (\\u0000) characters");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Agent_id_and_topic_are_required(string? value)
    {
        Errors(Valid with { AgentId = value }).Should().Equal("agent_id is required");
        Errors(Valid with { SessionTopic = value }).Should().Equal("session_topic is required");
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("   ")]
    [InlineData("\t")]
    public void Whitespace_only_agent_id_and_topic_are_accepted_as_the_original_does(string value)
    {
        Errors(Valid with { AgentId = value }).Should().BeEmpty();
        Errors(Valid with { SessionTopic = value }).Should().BeEmpty();
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    public void Dot_segments_are_refused_as_agent_id_and_topic(string value)
    {
        Errors(Valid with { AgentId = value }).Should().ContainSingle().Which.Should().StartWith("agent_id must not be").And.Contain("dot segment");
        Errors(Valid with { SessionTopic = value }).Should().ContainSingle().Which.Should().StartWith("session_topic must not be").And.Contain("dot segment");
    }

    [Theory]
    [InlineData("...")]
    [InlineData(".hidden")]
    [InlineData("a/..")]
    public void Dots_that_are_not_a_whole_dot_segment_are_accepted(string value) =>
        Errors(Valid with { SessionTopic = value, AgentId = value }).Should().BeEmpty();

    [Fact]
    public void Status_and_timestamp_are_required()
    {
        Errors(Valid with { Status = null }).Should().Equal("status is required");
        Errors(Valid with { Timestamp = null }).Should().Equal("timestamp is required");
    }

    [Fact]
    public void Status_outside_the_enum_is_refused() =>
        Errors(Valid with { Status = (SessionStatus)42 }).Should().Equal("status must be one of: running, pending, success, failed");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1440)]
    public void Ttl_of_zero_or_one_to_a_day_is_valid(int ttl) => Errors(Valid with { TtlMinutes = ttl }).Should().BeEmpty();

    [Theory]
    [InlineData(-1)]
    [InlineData(1441)]
    [InlineData(int.MaxValue)]
    public void Ttl_outside_the_range_fails(int ttl) =>
        Errors(Valid with { TtlMinutes = ttl }).Should().Equal("ttl_minutes must be 0 (keep the current TTL) or between 1 and 1440");

    [Fact]
    public void Empty_optional_fields_are_valid() =>
        Errors(Valid with { AgentName = "", AgentSource = "", Message = "", Content = "" }).Should().BeEmpty();

    [Fact]
    public void Every_failure_is_reported_at_once() =>
        Errors(new ReportStatusCommand()).Should().BeEquivalentTo(
            "agent_id is required", "session_topic is required", "status is required", "timestamp is required");

    private static ReportStatusCommand With(string property, string value) => property switch
    {
        nameof(ReportStatusCommand.AgentId) => Valid with { AgentId = value },
        nameof(ReportStatusCommand.AgentName) => Valid with { AgentName = value },
        nameof(ReportStatusCommand.AgentSource) => Valid with { AgentSource = value },
        nameof(ReportStatusCommand.SessionTopic) => Valid with { SessionTopic = value },
        nameof(ReportStatusCommand.Message) => Valid with { Message = value },
        nameof(ReportStatusCommand.Content) => Valid with { Content = value },
        _ => throw new ArgumentOutOfRangeException(nameof(property)),
    };
}
