using FluentValidation;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Agents.Queries.ListAgents;

public sealed class ListAgentsValidator : AbstractValidator<ListAgentsQuery>
{
    public ListAgentsValidator()
    {
        RuleFor(q => q.Status)
            .Must(status => string.IsNullOrEmpty(status) || SessionStatusExtensions.TryParseWireName(status, out _))
            .WithMessage((_, status) => $"status must be one of: {string.Join(", ", SessionStatusExtensions.WireNames)} (got '{status}')");
    }
}
