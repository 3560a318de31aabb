using KubeAgents.Application.Notifications.Queries.ListNotifications;
using KubeAgents.Domain.Notifications;

namespace KubeAgents.UnitTests.Application;

public class ListNotificationsValidatorTests
{
    private static readonly ListNotificationsValidator Validator = new();

    [Theory]
    [InlineData(null)]
    [InlineData(NotificationState.Pending)]
    [InlineData(NotificationState.Delivered)]
    [InlineData(NotificationState.Failed)]
    public void Known_state_or_none_is_valid(NotificationState? state) =>
        Validator.Validate(new ListNotificationsQuery(state, null)).IsValid.Should().BeTrue();

    [Fact]
    public void Undefined_state_fails_naming_the_parameter() =>
        Validator.Validate(new ListNotificationsQuery((NotificationState)42, null)).Errors.Should().ContainSingle()
            .Which.ErrorMessage.Should().Be("state must be one of: pending, delivered, failed");
}
