using FluentValidation;

namespace KubeAgents.Application.Common.Validation;

public static class EnumRules
{
    /// <summary>
    /// Absent, or a value the enum declares: what FluentValidation's <c>IsInEnum</c> checks, without
    /// its look-up of the enum's <c>[Flags]</c> attribute by reflection on every call (2% of a report's
    /// CPU in a profile of the webhook, docs/benchmarks.md). None of the contract's enums is flags.
    /// </summary>
    public static IRuleBuilderOptions<T, TEnum?> Declared<T, TEnum>(this IRuleBuilder<T, TEnum?> rule)
        where TEnum : struct, Enum =>
        rule.Must(value => value is null || Enum.IsDefined(value.Value));
}
