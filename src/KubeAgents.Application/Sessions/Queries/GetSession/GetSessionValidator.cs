using FluentValidation;
using KubeAgents.Application.Common.Paging;

namespace KubeAgents.Application.Sessions.Queries.GetSession;

public sealed class GetSessionValidator : AbstractValidator<GetSessionQuery>
{
    public GetSessionValidator()
    {
        RuleFor(q => q.HistoryLimit).PageLimit("history_limit");
        RuleFor(q => q.HistoryCursor).PageCursorText("history_cursor", idKeyed: true);
    }
}
