using FluentValidation;

namespace KubeAgents.Application.Common.Paging;

public static class PagingRules
{
    public static IRuleBuilderOptions<T, int?> PageLimit<T>(this IRuleBuilder<T, int?> rule, string parameter) =>
        rule.InclusiveBetween(1, PageCursor.MaxLimit)
            .WithMessage($"{parameter} must be between 1 and {PageCursor.MaxLimit}");

    /// <param name="idKeyed">The cursor's key must be a numeric id (pages ordered by instant, then id).</param>
    public static IRuleBuilderOptions<T, string?> PageCursorText<T>(this IRuleBuilder<T, string?> rule, string parameter, bool idKeyed) =>
        rule.Must(text => string.IsNullOrEmpty(text) || (PageCursor.TryDecode(text, out var cursor) && (!idKeyed || cursor.TryGetId(out _))))
            .WithMessage($"{parameter} is not a cursor this endpoint returned");
}
