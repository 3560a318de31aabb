using FluentValidation;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Common.Validation;

public static class StatusRules
{
    /// <summary>Absent, or exactly one of the lower-case status names.</summary>
    public static IRuleBuilderOptions<T, string?> StatusFilter<T>(this IRuleBuilder<T, string?> rule, string parameter) =>
        rule.Must(status => string.IsNullOrEmpty(status) || SessionStatusExtensions.TryParseWireName(status, out _))
            .WithMessage((_, status) => $"{parameter} must be one of: {string.Join(", ", SessionStatusExtensions.WireNames)} (got '{status}')");
}
