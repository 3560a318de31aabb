using FluentValidation;
using KubeAgents.Application.Common.Paging;
using KubeAgents.Domain.Notifications;

namespace KubeAgents.Application.Notifications.Queries.ListNotifications;

public sealed class ListNotificationsValidator : AbstractValidator<ListNotificationsQuery>
{
    private static readonly string[] States = ["pending", "delivered", "failed"];

    public ListNotificationsValidator()
    {
        RuleFor(q => q.State)
            .Must(state => string.IsNullOrEmpty(state) || TryParseState(state, out _))
            .WithMessage((_, state) => $"state must be one of: {string.Join(", ", States)} (got '{state}')");
        RuleFor(q => q.Limit).PageLimit("limit");
    }

    public static bool TryParseState(string? name, out NotificationState state)
    {
        var index = Array.IndexOf(States, name);
        state = index < 0 ? default : (NotificationState)index;
        return index >= 0;
    }
}
