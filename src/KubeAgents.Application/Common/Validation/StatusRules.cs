using FluentValidation;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Common.Validation;

public static class StatusRules
{
    /// <summary>
    /// Absent, or a defined status. The HTTP binding already refuses unknown wire names; this guards
    /// every other entry point (a value cast from a number).
    /// </summary>
    public static IRuleBuilderOptions<T, SessionStatus?> StatusFilter<T>(this IRuleBuilder<T, SessionStatus?> rule, string parameter) =>
        rule.Declared().WithMessage($"{parameter} must be one of: {SessionStatusExtensions.Wire.List}");
}
