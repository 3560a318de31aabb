using FluentValidation;
using KubeAgents.Application.Common.Validation;

namespace KubeAgents.Application.Agents.Queries.GetAgent;

/// <summary>Over HTTP the path guard refuses such ids first; other entry points (MCP tools) pass text as given.</summary>
public sealed class GetAgentValidator : AbstractValidator<GetAgentQuery>
{
    public GetAgentValidator() => RuleFor(q => q.AgentId).QueryText("agent_id");
}
