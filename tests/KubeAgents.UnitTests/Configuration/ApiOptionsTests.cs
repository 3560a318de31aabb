using KubeAgents.Api.Configuration;
using KubeAgents.Application.Common.Settings;

namespace KubeAgents.UnitTests.Configuration;

public class ApiOptionsTests
{
    [Fact]
    public void Star_allows_any_origin() => ApiOptions.ParseOrigins("*").Should().BeNull();

    [Fact]
    public void List_of_origins_is_trimmed() =>
        ApiOptions.ParseOrigins("https://ui.example.com, http://localhost:3000").Should()
            .Equal("https://ui.example.com", "http://localhost:3000");

    [Theory]
    [InlineData("ui.example.com")]
    [InlineData("https://ui.example.com/app")]
    [InlineData("https://ui.example.com/")]
    [InlineData("ftp://files")]
    [InlineData("*, https://ui.example.com")]
    [InlineData(" , ")]
    public void Anything_but_origins_stops_start_up(string value)
    {
        var act = () => ApiOptions.ParseOrigins(value);

        act.Should().Throw<InvalidConfigurationException>().WithMessage("CORS_ALLOWED_ORIGINS*");
    }
}
