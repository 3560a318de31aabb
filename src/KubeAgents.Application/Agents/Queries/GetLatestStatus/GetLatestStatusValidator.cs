using FluentValidation;
using KubeAgents.Application.Common.Validation;

namespace KubeAgents.Application.Agents.Queries.GetLatestStatus;

/// <summary>Over HTTP the path guard refuses such ids first; other entry points (MCP tools) pass text as given.</summary>
public sealed class GetLatestStatusValidator : AbstractValidator<GetLatestStatusQuery>
{
    public GetLatestStatusValidator() => RuleFor(q => q.AgentId).QueryText("agent_id");
}
