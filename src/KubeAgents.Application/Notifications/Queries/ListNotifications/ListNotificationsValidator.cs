using FluentValidation;
using KubeAgents.Application.Common.Paging;
using KubeAgents.Application.Common.Validation;
using KubeAgents.Domain.Notifications;

namespace KubeAgents.Application.Notifications.Queries.ListNotifications;

public sealed class ListNotificationsValidator : AbstractValidator<ListNotificationsQuery>
{
    public ListNotificationsValidator()
    {
        RuleFor(q => q.State).Declared().WithMessage($"state must be one of: {NotificationStateExtensions.Wire.List}");
        RuleFor(q => q.Limit).PageLimit("limit");
    }
}
