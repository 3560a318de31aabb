using FluentValidation;

namespace KubeAgents.Application.Common.Validation;

public static class EnumRules
{
    /// <summary>
    /// Absent, or a value the enum declares: what FluentValidation's <c>IsInEnum</c> checks for an enum
    /// without <c>[Flags]</c>, without its look-up of that attribute by reflection on every call (1.7%
    /// of the service's CPU under fresh ingestion, docs/benchmarks.md "Ingestion, round 8"). A flags
    /// enum, whose combined values are valid, is refused when the rule is built.
    /// </summary>
    public static IRuleBuilderOptions<T, TEnum?> Declared<T, TEnum>(this IRuleBuilder<T, TEnum?> rule)
        where TEnum : struct, Enum
    {
        if (typeof(TEnum).IsDefined(typeof(FlagsAttribute), inherit: false))
        {
            throw new InvalidOperationException($"{typeof(TEnum).Name} is a flags enum: a combination of its values is not declared, use IsInEnum.");
        }

        return rule.Must(value => value is null || Enum.IsDefined(value.Value));
    }
}
