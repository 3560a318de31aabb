using FluentValidation;
using KubeAgents.Application.Common.Paging;
using KubeAgents.Application.Common.Validation;

namespace KubeAgents.Application.Agents.Queries.ListAgents;

public sealed class ListAgentsValidator : AbstractValidator<ListAgentsQuery>
{
    public ListAgentsValidator()
    {
        RuleFor(q => q.Status).StatusFilter("status");
        RuleFor(q => q.Search).QueryText("search");
        RuleFor(q => q.Limit).PageLimit("limit");
        RuleFor(q => q.Cursor).PageCursorText("cursor", idKeyed: false);
    }
}
