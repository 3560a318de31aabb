using FluentValidation;

namespace KubeAgents.Application.Notifications.Routes.Commands.CreateRoute;

public sealed class CreateRouteValidator : AbstractValidator<CreateRouteCommand>
{
    public CreateRouteValidator(INotificationChannelCatalog channels)
    {
        RuleFor(c => c.Name).RouteName();
        RuleFor(c => c.Channel).RouteChannel(channels);
        RuleFor(c => c.Url).RouteUrl();
        RuleFor(c => c.Secret).RouteSecret();
        RuleFor(c => c.AgentFilter).RouteFilter("agent_filter");
        RuleFor(c => c.TopicFilter).RouteFilter("topic_filter");
        RuleFor(c => c.Events).RouteEvents();
    }
}
