using KubeAgents.Domain.Notifications;

namespace KubeAgents.Infrastructure.Persistence.Configurations;

/// <summary>A <see cref="NotificationKind"/> column: its wire name (<c>session.finished</c>, <c>session.silent</c>).</summary>
internal sealed class NotificationKindConverter() : WireNameConverter<NotificationKind>(NotificationEventNames.Kinds)
{
    public static string CheckList => SqlList(NotificationEventNames.Kinds);
}
