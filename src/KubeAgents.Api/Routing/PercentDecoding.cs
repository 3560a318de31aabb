using System.Text;

namespace KubeAgents.Api.Routing;

/// <summary>
/// Percent-decoding that refuses what no id, topic or query value can be: bytes that are not UTF-8
/// (<c>%FF</c>, an encoded lone surrogate <c>%ED%A0%80</c>, an overlong <c>%C0%80</c>) and NUL, which
/// PostgreSQL text cannot hold. The framework's own decoding keeps such escapes as literal text, which
/// would give one value two spellings.
/// </summary>
internal static class PercentDecoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes each <c>%XX</c> once; a <c>%</c> not followed by two hex digits stays literal.</summary>
    public static bool TryDecodeText(string raw, out string text)
    {
        ArgumentNullException.ThrowIfNull(raw);
        text = raw;
        if (raw.AsSpan().IndexOfAny('%', '\0') < 0)
        {
            return true;
        }

        var bytes = new List<byte>(raw.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%' && i + 2 < raw.Length && IsHex(raw[i + 1]) && IsHex(raw[i + 2]))
            {
                bytes.Add((byte)Convert.ToInt32(raw.Substring(i + 1, 2), 16));
                i += 2;
                continue;
            }

            var length = char.IsSurrogatePair(raw, i)
                ? Encoding.UTF8.GetBytes(raw.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(raw.AsSpan(i, 1), utf8);
            bytes.AddRange(utf8[..length]);
        }

        try
        {
            text = StrictUtf8.GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        return !text.Contains('\0', StringComparison.Ordinal);
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
