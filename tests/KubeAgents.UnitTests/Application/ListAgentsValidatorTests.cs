using KubeAgents.Application.Agents.Queries.ListAgents;

namespace KubeAgents.UnitTests.Application;

public class ListAgentsValidatorTests
{
    private static readonly ListAgentsValidator Validator = new();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("running")]
    [InlineData("pending")]
    [InlineData("success")]
    [InlineData("failed")]
    public void Known_status_or_none_is_valid(string? status) =>
        Validator.Validate(new ListAgentsQuery(status, null)).IsValid.Should().BeTrue();

    [Theory]
    [InlineData("RUNNING")]
    [InlineData("done")]
    [InlineData("0")]
    public void Unknown_status_fails_naming_the_parameter(string status) =>
        Validator.Validate(new ListAgentsQuery(status, null)).Errors.Should().ContainSingle()
            .Which.ErrorMessage.Should().Be($"status must be one of: running, pending, success, failed (got '{status}')");
}
