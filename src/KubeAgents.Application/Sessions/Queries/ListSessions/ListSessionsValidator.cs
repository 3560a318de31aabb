using FluentValidation;
using KubeAgents.Application.Common.Paging;

namespace KubeAgents.Application.Sessions.Queries.ListSessions;

public sealed class ListSessionsValidator : AbstractValidator<ListSessionsQuery>
{
    public ListSessionsValidator()
    {
        RuleFor(q => q.Limit).PageLimit("limit");
        RuleFor(q => q.Cursor).PageCursorText("cursor", idKeyed: true);
    }
}
