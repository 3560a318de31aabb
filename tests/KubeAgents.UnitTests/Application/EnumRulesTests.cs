using FluentValidation;
using KubeAgents.Application.Common.Validation;

namespace KubeAgents.UnitTests.Application;

public class EnumRulesTests
{
    public enum Plain
    {
        First,
        Second,
    }

    [Flags]
    private enum Flags
    {
        A = 1,
        B = 2,
    }

    private sealed record Message(Plain? Plain, Flags? Flags);

    private sealed class PlainValidator : AbstractValidator<Message>
    {
        public PlainValidator() => RuleFor(m => m.Plain).Declared().WithMessage("undeclared");
    }

    private sealed class FlagsValidator : AbstractValidator<Message>
    {
        public FlagsValidator() => RuleFor(m => m.Flags).Declared();
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(Plain.First, true)]
    [InlineData(Plain.Second, true)]
    [InlineData((Plain)2, false)]
    [InlineData((Plain)(-1), false)]
    public void A_declared_value_or_none_is_valid(Plain? value, bool valid) =>
        new PlainValidator().Validate(new Message(value, null)).IsValid.Should().Be(valid);

    [Fact]
    public void A_flags_enum_is_refused_when_the_rule_is_built() =>
        FluentActions.Invoking(() => new FlagsValidator()).Should().Throw<InvalidOperationException>().WithMessage("Flags is a flags enum*");
}
