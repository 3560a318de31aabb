using KubeAgents.Domain.Notifications;

namespace KubeAgents.Infrastructure.Persistence.Configurations;

/// <summary>A <see cref="NotificationState"/> column: its wire name.</summary>
internal sealed class NotificationStateConverter() : WireNameConverter<NotificationState>(NotificationStateExtensions.Wire)
{
    public static string CheckList => SqlList(NotificationStateExtensions.Wire);
}
