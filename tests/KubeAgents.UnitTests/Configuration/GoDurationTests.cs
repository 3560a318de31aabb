using KubeAgents.Application.Common.Settings;

namespace KubeAgents.UnitTests.Configuration;

public class GoDurationTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5h", 5400)]
    [InlineData("2h45m30s", 9930)]
    [InlineData("1500ms", 1.5)]
    [InlineData("+10s", 10)]
    [InlineData("-10s", -10)]
    public void Parses_go_durations(string text, double seconds)
    {
        GoDuration.TryParse(text, out var duration).Should().BeTrue();
        duration.Should().Be(TimeSpan.FromSeconds(seconds));
    }

    [Fact]
    public void Parses_sub_millisecond_units()
    {
        GoDuration.TryParse("250us", out var micro).Should().BeTrue();
        micro.Should().Be(TimeSpan.FromMicroseconds(250));
        GoDuration.TryParse("300ns", out var nano).Should().BeTrue();
        nano.Ticks.Should().Be(3);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("m")]
    [InlineData("5 m")]
    [InlineData("5d")]
    [InlineData("abc")]
    [InlineData("1h-5m")]
    [InlineData(".s")]
    [InlineData("99999999999999h")]
    public void Rejects_anything_else(string text) => GoDuration.TryParse(text, out _).Should().BeFalse();
}
