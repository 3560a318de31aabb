using KubeAgents.Application.Agents.Queries.ListAgents;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.UnitTests.Application;

public class ListAgentsValidatorTests
{
    private static readonly ListAgentsValidator Validator = new();

    [Theory]
    [InlineData(null)]
    [InlineData(SessionStatus.Running)]
    [InlineData(SessionStatus.Pending)]
    [InlineData(SessionStatus.Success)]
    [InlineData(SessionStatus.Failed)]
    public void Known_status_or_none_is_valid(SessionStatus? status) =>
        Validator.Validate(new ListAgentsQuery(status, null)).IsValid.Should().BeTrue();

    [Fact]
    public void Undefined_status_fails_naming_the_parameter() =>
        Validator.Validate(new ListAgentsQuery((SessionStatus)42, null)).Errors.Should().ContainSingle()
            .Which.ErrorMessage.Should().Be("status must be one of: running, pending, success, failed");

    [Theory]
    [InlineData("\0")]
    [InlineData("a\0b")]
    public void Search_with_nul_fails_naming_the_parameter(string search) =>
        Validator.Validate(new ListAgentsQuery(null, search)).Errors.Should().ContainSingle()
            .Which.ErrorMessage.Should().Be("search must not contain NUL (\\u0000) characters");

    // Attribute arguments cannot carry an unpaired surrogate (they are stored as UTF-8), so the texts live here.
    private static readonly string[] UnpairedSurrogates = ["\uD800", "a\uDC00", "\uDE00\uD83D"];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Search_with_an_unpaired_surrogate_fails_naming_the_parameter(int index) =>
        Validator.Validate(new ListAgentsQuery(null, UnpairedSurrogates[index])).Errors.Should().ContainSingle()
            .Which.ErrorMessage.Should().StartWith("search must be valid Unicode text");

    [Fact]
    public void Search_with_any_other_text_is_valid() =>
        Validator.Validate(new ListAgentsQuery(null, " %_\\ 中文 😀")).IsValid.Should().BeTrue();

    [Theory]
    [InlineData("639000000000000000|a\0b")]
    [InlineData("639000000000000000|\0")]
    public void Cursor_whose_key_holds_nul_fails_naming_the_parameter(string decoded)
    {
        var cursor = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(decoded));

        Validator.Validate(new ListAgentsQuery(null, null, Cursor: cursor)).Errors.Should().ContainSingle()
            .Which.ErrorMessage.Should().Be("cursor is not a cursor this endpoint returned");
    }

    [Fact]
    public void Cursor_whose_key_is_not_utf8_fails()
    {
        var cursor = System.Buffers.Text.Base64Url.EncodeToString([.. System.Text.Encoding.UTF8.GetBytes("639000000000000000|"), 0xED, 0xA0, 0x80]);

        Validator.Validate(new ListAgentsQuery(null, null, Cursor: cursor)).IsValid.Should().BeFalse();
    }
}
