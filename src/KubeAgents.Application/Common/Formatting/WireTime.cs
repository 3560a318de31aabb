using System.Globalization;

namespace KubeAgents.Application.Common.Formatting;

/// <summary>How an instant is written wherever the service writes one: UTC ISO-8601 with up to microsecond precision (<c>2026-11-27T10:00:00.123Z</c>).</summary>
public static class WireTime
{
    /// <summary>Trailing zero fractions are dropped; microseconds are what PostgreSQL keeps, so both stores answer alike.</summary>
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'";

    public static string ToWireTime(this DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
}
