using KubeAgents.Domain.Common;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace KubeAgents.Infrastructure.Persistence.Configurations;

/// <summary>Stores an enum as its wire name (<see cref="WireNames{TEnum}"/>), so the column reads like the API.</summary>
internal abstract class WireNameConverter<TEnum>(WireNames<TEnum> names) : ValueConverter<TEnum, string>(
    value => names.Of(value),
    name => Parse(names, name))
    where TEnum : struct, Enum
{
    /// <summary>The SQL list of the names, for check constraints: <c>'a', 'b'</c>.</summary>
    public static string SqlList(WireNames<TEnum> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return string.Join(", ", names.All.Select(n => $"'{n}'"));
    }

    private static TEnum Parse(WireNames<TEnum> names, string name) =>
        names.TryParse(name, out var value)
            ? value
            : throw new InvalidOperationException($"Unknown {typeof(TEnum).Name} '{name}' in the database.");
}
