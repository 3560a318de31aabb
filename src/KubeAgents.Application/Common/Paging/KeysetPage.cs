namespace KubeAgents.Application.Common.Paging;

/// <summary>
/// A keyset page: read <see cref="Size"/> + 1 rows after the cursor, newest first; the extra row only
/// says that more remain, and the page's last row is where the next one starts.
/// </summary>
public static class KeysetPage
{
    public static int Size(int? limit) => limit ?? PageCursor.DefaultLimit;

    /// <param name="rows">At most <paramref name="size"/> + 1 rows, in page order.</param>
    /// <param name="endOf">The cursor of a row, should it end the page.</param>
    public static (IReadOnlyList<TItem> Items, string? NextCursor) Cut<TRow, TItem>(
        IReadOnlyList<TRow> rows, int size, Func<TRow, PageCursor> endOf, Func<TRow, TItem> item)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(endOf);
        return ([.. rows.Take(size).Select(item)], rows.Count > size ? endOf(rows[size - 1]).Encode() : null);
    }
}
