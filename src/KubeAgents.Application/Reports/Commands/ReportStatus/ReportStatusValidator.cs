using FluentValidation;
using KubeAgents.Application.Common.Validation;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Reports.Commands.ReportStatus;

public sealed class ReportStatusValidator : AbstractValidator<ReportStatusCommand>
{
    public ReportStatusValidator()
    {
        RuleFor(c => c.AgentId).RequiredText("agent_id", Agent.MaxIdLength).PathSegmentText("agent_id");
        RuleFor(c => c.AgentName).OptionalText("agent_name", Agent.MaxNameLength);
        RuleFor(c => c.AgentSource).OptionalText("agent_source", Agent.MaxSourceLength);
        RuleFor(c => c.SessionTopic).RequiredText("session_topic", Session.MaxTopicLength).PathSegmentText("session_topic");
        RuleFor(c => c.Status)
            .NotNull().WithMessage("status is required")
            .Declared().WithMessage($"status must be one of: {string.Join(", ", SessionStatusExtensions.WireNames)}");
        RuleFor(c => c.Timestamp).NotNull().WithMessage("timestamp is required");
        RuleFor(c => c.Message).OptionalText("message", StatusEntry.MaxMessageLength);
        RuleFor(c => c.Content).OptionalText("content", StatusEntry.MaxContentLength);
        RuleFor(c => c.TtlMinutes)
            .InclusiveBetween(0, Session.MaxTtlMinutes)
            .WithMessage($"ttl_minutes must be 0 (keep the current TTL) or between 1 and {Session.MaxTtlMinutes}");
    }
}
