namespace KubeAgents.Domain.Common;

/// <summary>
/// The one spelling of an enum's values on the wire, in queries and in storage: exact, case-sensitive
/// names in declaration order (no numbers, no other casing), as the original service compared them.
/// </summary>
public sealed class WireNames<TEnum>
    where TEnum : struct, Enum
{
    private readonly string[] _names;

    /// <param name="names">One name per enum value, in declaration order.</param>
    public WireNames(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Length != Enum.GetValues<TEnum>().Length)
        {
            throw new ArgumentException($"{typeof(TEnum).Name} needs one wire name per value.", nameof(names));
        }

        _names = names;
    }

    /// <summary>The names, in declaration order.</summary>
    public IReadOnlyList<string> All => _names;

    /// <summary>"a, b, c": for messages that list what is accepted.</summary>
    public string List => string.Join(", ", _names);

    public string Of(TEnum value) => _names[Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)];

    public bool TryParse(string? name, out TEnum value)
    {
        var index = Array.IndexOf(_names, name);
        value = index < 0 ? default : (TEnum)Enum.ToObject(typeof(TEnum), index);
        return index >= 0;
    }
}
