using FluentValidation;

namespace KubeAgents.Application.Notifications.Routes.Commands.UpdateRoute;

public sealed class UpdateRouteValidator : AbstractValidator<UpdateRouteCommand>
{
    public UpdateRouteValidator()
    {
        RuleFor(c => c.Name).RouteName().When(c => c.Name is not null);
        RuleFor(c => c.Url).RouteUrl().When(c => c.Url is not null);
        RuleFor(c => c.Secret).RouteSecret();
        RuleFor(c => c.AgentFilter).RouteFilter("agent_filter");
        RuleFor(c => c.TopicFilter).RouteFilter("topic_filter");
        RuleFor(c => c.Events).RouteEvents();
    }
}
