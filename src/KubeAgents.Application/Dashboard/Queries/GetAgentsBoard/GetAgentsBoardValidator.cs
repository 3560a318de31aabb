using FluentValidation;
using KubeAgents.Application.Common.Validation;

namespace KubeAgents.Application.Dashboard.Queries.GetAgentsBoard;

public sealed class GetAgentsBoardValidator : AbstractValidator<GetAgentsBoardQuery>
{
    public GetAgentsBoardValidator()
    {
        RuleFor(q => q.Search).QueryText("search");
        RuleFor(q => q.Page).InclusiveBetween(1, 100_000).WithMessage("page must be between 1 and 100000");
        RuleFor(q => q.PageSize).InclusiveBetween(1, 500).WithMessage("page size must be between 1 and 500");
        RuleFor(q => q.AttentionLimit).InclusiveBetween(0, 100).WithMessage("attention limit must be between 0 and 100");
    }
}
