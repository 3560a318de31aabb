using KubeAgents.Domain.Notifications;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace KubeAgents.Infrastructure.Persistence.Configurations;

/// <summary>Stores <see cref="NotificationState"/> as its lower-case wire name, so the column reads like the API.</summary>
internal sealed class NotificationStateConverter() : ValueConverter<NotificationState, string>(
    state => state.ToWireName(),
    name => Parse(name))
{
    /// <summary>The SQL list for check constraints.</summary>
    public static string CheckList => string.Join(", ", NotificationStateExtensions.WireNames.Select(n => $"'{n}'"));

    private static NotificationState Parse(string name) =>
        NotificationStateExtensions.TryParseWireName(name, out var state)
            ? state
            : throw new InvalidOperationException($"Unknown notification state '{name}' in the database.");
}
