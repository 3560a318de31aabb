using FluentValidation;
using KubeAgents.Application.Common.Paging;
using KubeAgents.Domain.Notifications;

namespace KubeAgents.Application.Notifications.Queries.ListNotifications;

public sealed class ListNotificationsValidator : AbstractValidator<ListNotificationsQuery>
{
    public ListNotificationsValidator()
    {
        RuleFor(q => q.State)
            .Must(state => string.IsNullOrEmpty(state) || NotificationStateExtensions.TryParseWireName(state, out _))
            .WithMessage((_, state) => $"state must be one of: {string.Join(", ", NotificationStateExtensions.WireNames)} (got '{state}')");
        RuleFor(q => q.Limit).PageLimit("limit");
    }
}
