using FluentValidation;
using KubeAgents.Application.Common.Paging;
using KubeAgents.Application.Common.Validation;

namespace KubeAgents.Application.Agents.Queries.GetAgentHistory;

public sealed class GetAgentHistoryValidator : AbstractValidator<GetAgentHistoryQuery>
{
    public GetAgentHistoryValidator()
    {
        RuleFor(q => q.Status).StatusFilter("status");
        RuleFor(q => q.Limit).PageLimit("limit");
        RuleFor(q => q.Cursor).PageCursorText("cursor", idKeyed: true);
    }
}
