using FluentValidation;

namespace KubeAgents.Application.Common.Validation;

/// <summary>Rules shared by every text field of the contract. Messages name the field by its wire name.</summary>
public static class TextRules
{
    /// <summary>
    /// Present and not empty, at most <paramref name="maxLength"/> characters (UTF-16 code units), no NUL.
    /// Whitespace-only values are accepted, as the original service accepted them.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> RequiredText<T>(this IRuleBuilder<T, string?> rule, string field, int maxLength) =>
        rule.Must(value => !string.IsNullOrEmpty(value)).WithMessage($"{field} is required")
            .OptionalText(field, maxLength);

    /// <summary>
    /// Not <c>.</c> or <c>..</c>: a value read back as one URL path segment cannot be a dot segment,
    /// which every URL parser removes before routing, so it could be written but never read.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> PathSegmentText<T>(this IRuleBuilder<T, string?> rule, string field) =>
        rule.Must(value => value is not ("." or ".."))
            .WithMessage((_, value) => $"{field} must not be '{value}': a dot segment cannot be read back from a URL path");

    /// <summary>At most <paramref name="maxLength"/> characters and no NUL, which PostgreSQL text cannot hold.</summary>
    public static IRuleBuilderOptions<T, string?> OptionalText<T>(this IRuleBuilder<T, string?> rule, string field, int maxLength) =>
        rule.Must(value => value is null || value.Length <= maxLength)
                .WithMessage((_, value) => $"{field} must be at most {maxLength} characters (got {value!.Length})")
            .Must(value => value is null || !value.Contains('\0', StringComparison.Ordinal))
                .WithMessage($"{field} must not contain NUL (\\u0000) characters")
            .Must(IsWellFormedUtf16)
                .WithMessage($"{field} must be valid Unicode text (an unpaired surrogate is not)");

    /// <summary>A text query parameter: no NUL and no unpaired surrogate, which PostgreSQL cannot take as a parameter.</summary>
    public static IRuleBuilderOptions<T, string?> QueryText<T>(this IRuleBuilder<T, string?> rule, string parameter) =>
        rule.Must(value => value is null || !value.Contains('\0', StringComparison.Ordinal))
                .WithMessage($"{parameter} must not contain NUL (\\u0000) characters")
            .Must(IsWellFormedUtf16)
                .WithMessage($"{parameter} must be valid Unicode text (an unpaired surrogate is not)");

    private static bool IsWellFormedUtf16(string? value)
    {
        if (value is null)
        {
            return true;
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsSurrogatePair(value, i))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }
}
