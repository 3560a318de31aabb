using System.Security.Cryptography;
using System.Text;

namespace KubeAgents.Domain.ApiKeys;

/// <summary>
/// The text of a key: <c>ka_&lt;prefix&gt;_&lt;secret&gt;</c>. The prefix (8 characters, public) finds the
/// key; the secret is 256 random bits, base64url. Only the SHA-256 of the whole text is stored: the
/// secret is random and long, so a slow password hash would add nothing but cost per request.
/// </summary>
public static class ApiKeySecret
{
    public const string Marker = "ka_";
    public const int PrefixLength = 8;
    public const int SecretBytes = 32;

    /// <summary>base64url of 32 bytes, without padding.</summary>
    public const int SecretLength = 43;

    public const int KeyLength = 3 + PrefixLength + 1 + SecretLength;
    public const int HashLength = 32;

    private const string PrefixAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string Generate()
    {
        Span<char> prefix = stackalloc char[PrefixLength];
        for (var i = 0; i < PrefixLength; i++)
        {
            prefix[i] = PrefixAlphabet[RandomNumberGenerator.GetInt32(PrefixAlphabet.Length)];
        }

        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Marker}{prefix}_{secret}";
    }

    /// <summary>The prefix of a well-formed key; false for anything else (nothing is looked up for it).</summary>
    public static bool TryGetPrefix(ReadOnlySpan<char> key, out string prefix)
    {
        prefix = string.Empty;
        if (key.Length != KeyLength || !key.StartsWith(Marker, StringComparison.Ordinal) || key[3 + PrefixLength] != '_')
        {
            return false;
        }

        var candidate = key.Slice(3, PrefixLength);
        if (candidate.ContainsAnyExcept(PrefixAlphabet) || key[(4 + PrefixLength)..].ContainsAnyExcept(Base64UrlAlphabet))
        {
            return false;
        }

        prefix = candidate.ToString();
        return true;
    }

    /// <summary>
    /// A key typed by hand (<c>ka_aaaaaaaa_AAAA...</c>) is well-formed but guessable. 43 random base64url
    /// characters hold about 31 different ones; fewer than 20 happens to one generated key in 50 million.
    /// </summary>
    public const int MinDistinctSecretCharacters = 20;

    /// <summary>How many different characters the secret part (after the prefix) of a well-formed key holds.</summary>
    public static int DistinctSecretCharacters(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length == KeyLength ? key[(4 + PrefixLength)..].Distinct().Count() : 0;
    }

    public static bool IsPrefix(string? text) =>
        text is { Length: PrefixLength } && !text.AsSpan().ContainsAnyExcept(PrefixAlphabet);

    public static byte[] Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>Whether <paramref name="key"/> hashes to <paramref name="storedHash"/>, in constant time.</summary>
    public static bool Matches(string key, byte[] storedHash)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> hash = stackalloc byte[HashLength];
        Span<byte> utf8 = stackalloc byte[KeyLength];
        if (key.Length != KeyLength || !Encoding.UTF8.TryGetBytes(key, utf8, out var written) || written != KeyLength)
        {
            return false;
        }

        SHA256.HashData(utf8, hash);
        return CryptographicOperations.FixedTimeEquals(hash, storedHash);
    }

    private static readonly System.Buffers.SearchValues<char> Base64UrlAlphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}
