using KubeAgents.Domain.Sessions;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace KubeAgents.Infrastructure.Persistence.Configurations;

/// <summary>Stores <see cref="SessionStatus"/> as its lower-case wire name, so the column reads like the API.</summary>
internal sealed class SessionStatusConverter() : ValueConverter<SessionStatus, string>(
    status => status.ToWireName(),
    name => Parse(name))
{
    /// <summary>The SQL list for check constraints.</summary>
    public static string CheckList => string.Join(", ", SessionStatusExtensions.WireNames.Select(n => $"'{n}'"));

    private static SessionStatus Parse(string name) =>
        SessionStatusExtensions.TryParseWireName(name, out var status)
            ? status
            : throw new InvalidOperationException($"Unknown status '{name}' in the database.");
}
