using FluentValidation;

namespace KubeAgents.Application.Common.Validation;

/// <summary>Rules shared by every text field of the contract. Messages name the field by its wire name.</summary>
public static class TextRules
{
    /// <summary>Present, non-blank, at most <paramref name="maxLength"/> characters (UTF-16 code units), no NUL.</summary>
    public static IRuleBuilderOptions<T, string?> RequiredText<T>(this IRuleBuilder<T, string?> rule, string field, int maxLength) =>
        rule.NotEmpty().WithMessage($"{field} is required")
            .OptionalText(field, maxLength);

    /// <summary>At most <paramref name="maxLength"/> characters and no NUL, which PostgreSQL text cannot hold.</summary>
    public static IRuleBuilderOptions<T, string?> OptionalText<T>(this IRuleBuilder<T, string?> rule, string field, int maxLength) =>
        rule.Must(value => value is null || value.Length <= maxLength)
                .WithMessage((_, value) => $"{field} must be at most {maxLength} characters (got {value!.Length})")
            .Must(value => value is null || !value.Contains('\0', StringComparison.Ordinal))
                .WithMessage($"{field} must not contain NUL (\\u0000) characters");
}
