using KubeAgents.Domain.Sessions;

namespace KubeAgents.Infrastructure.Persistence.Configurations;

/// <summary>A <see cref="SessionStatus"/> column: its wire name.</summary>
internal sealed class SessionStatusConverter() : WireNameConverter<SessionStatus>(SessionStatusExtensions.Wire)
{
    public static string CheckList => SqlList(SessionStatusExtensions.Wire);
}
