using FluentValidation;
using KubeAgents.Application.Common.Paging;
using KubeAgents.Application.Common.Validation;

namespace KubeAgents.Application.Sessions.Queries.GetSession;

public sealed class GetSessionValidator : AbstractValidator<GetSessionQuery>
{
    public GetSessionValidator()
    {
        // Over HTTP the path guard refuses such text first; other entry points (MCP tools) pass it as given.
        RuleFor(q => q.AgentId).QueryText("agent_id");
        RuleFor(q => q.SessionTopic).QueryText("session_topic");
        RuleFor(q => q.HistoryLimit).PageLimit("history_limit");
        RuleFor(q => q.HistoryCursor).PageCursorText("history_cursor", idKeyed: true);
    }
}
