using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace KubeAgents.Application.Common.Paging;

/// <summary>
/// Where a page ended: the sort instant and the tie-breaking key of its last item. Opaque to clients
/// (base64url); the next page starts strictly after it, so rows inserted meanwhile never shift pages.
/// </summary>
public readonly record struct PageCursor(DateTimeOffset At, string Key)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    // A cursor is only ever made from UTF-8 text without NUL; anything else was forged, and PostgreSQL
    // would refuse it as a parameter (a 500) where the embedded store compares it happily.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{At.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{Key}"));

    public static bool TryDecode(string? text, out PageCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text) || !Base64Url.IsValid(text))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = StrictUtf8.GetString(Base64Url.DecodeFromChars(text));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return false;
        }

        if (decoded.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        var separator = decoded.IndexOf('|', StringComparison.Ordinal);
        if (separator <= 0 || separator == decoded.Length - 1 ||
            !long.TryParse(decoded.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ||
            ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        cursor = new PageCursor(new DateTimeOffset(ticks, TimeSpan.Zero), decoded[(separator + 1)..]);
        return true;
    }

    /// <summary>The cursor of a row ordered by (instant, store-assigned id).</summary>
    public static PageCursor ForId(DateTimeOffset at, long id) => new(at, id.ToString(CultureInfo.InvariantCulture));

    /// <summary>The key as a store-assigned id, for cursors over rows ordered by (instant, id).</summary>
    public bool TryGetId(out long id) => long.TryParse(Key, NumberStyles.None, CultureInfo.InvariantCulture, out id);
}
