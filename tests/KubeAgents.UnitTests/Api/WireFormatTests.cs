using System.Text.Json;
using KubeAgents.Api.Json;
using KubeAgents.Application.Reports.Commands.ReportStatus;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.UnitTests.Api;

public class WireFormatTests
{
    private static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions();
        JsonSetup.Configure(options);
        return options;
    }

    private static DateTimeOffset ReadTimestamp(string value) =>
        JsonSerializer.Deserialize<ReportStatusCommand>($$"""{"timestamp":"{{value}}"}""", Options)!.Timestamp!.Value;

    [Theory]
    [InlineData("2026-11-27T10:00:00Z")]
    [InlineData("2026-11-27T10:00:00z")]
    [InlineData("2026-11-27t10:00:00+00:00")]
    [InlineData("2026-11-27T18:00:00+08:00")]
    [InlineData("2026-11-27T05:30:00-04:30")]
    public void Timestamps_with_an_offset_are_read_as_the_instant(string value) =>
        ReadTimestamp(value).Should().Be(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Fractions_are_kept_to_the_microsecond_as_postgresql_does() =>
        ReadTimestamp("2026-11-27T10:00:00.123456789Z").Should().Be(
            new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_560));

    [Theory]
    [InlineData("2026-11-27T10:00:00")]
    [InlineData("2026-11-27 10:00:00Z")]
    [InlineData("2026-11-27")]
    [InlineData("27/11/2026 10:00")]
    [InlineData("2026-13-27T10:00:00Z")]
    [InlineData("2026-11-27T10:00:00+0800")]
    [InlineData("")]
    public void Timestamps_without_offset_or_not_rfc3339_are_refused(string value)
    {
        var act = () => ReadTimestamp(value);

        act.Should().Throw<JsonException>();
    }

    [Theory]
    [InlineData("RUNNING")]
    [InlineData("Running")]
    [InlineData("done")]
    public void Status_names_are_exact(string value)
    {
        var act = () => JsonSerializer.Deserialize<ReportStatusCommand>($$"""{"status":"{{value}}"}""", Options);

        act.Should().Throw<JsonException>();
    }

    [Fact]
    public void Status_as_a_number_is_refused()
    {
        var act = () => JsonSerializer.Deserialize<ReportStatusCommand>("""{"status":0}""", Options);

        act.Should().Throw<JsonException>();
    }

    [Fact]
    public void Output_is_snake_case_utc_with_empty_optionals_omitted()
    {
        var json = JsonSerializer.Serialize(
            new { AgentId = "a", Status = SessionStatus.Success, Timestamp = new DateTimeOffset(2026, 11, 27, 18, 0, 0, 120, TimeSpan.FromHours(8)), Message = (string?)null },
            Options);

        json.Should().Be("""{"agent_id":"a","status":"success","timestamp":"2026-11-27T10:00:00.12Z"}""");
    }
}
