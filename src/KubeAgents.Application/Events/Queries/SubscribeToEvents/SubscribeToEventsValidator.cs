using System.Globalization;
using FluentValidation;
using KubeAgents.Application.Common.Validation;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Events.Queries.SubscribeToEvents;

public sealed class SubscribeToEventsValidator : AbstractValidator<SubscribeToEventsQuery>
{
    public SubscribeToEventsValidator()
    {
        RuleFor(q => q.AgentId).OptionalText("agent_id", Agent.MaxIdLength);
        RuleFor(q => q.SessionTopic).OptionalText("session_topic", Session.MaxTopicLength);
        RuleFor(q => q.LastEventId)
            .Must(id => string.IsNullOrEmpty(id) || (id.Length <= 19 && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            .WithMessage("Last-Event-ID must be an event id (a non-negative integer)");
    }
}
