using FluentValidation;
using KubeAgents.Application.ApiKeys.Commands.EnsureBootstrapKey;
using KubeAgents.Domain.ApiKeys;

namespace KubeAgents.Application.ApiKeys.Commands.CreateApiKey;

public sealed class CreateApiKeyValidator : AbstractValidator<CreateApiKeyCommand>
{
    public static readonly string ScopeList = string.Join(", ", ApiScopeNames.All);

    public CreateApiKeyValidator()
    {
        RuleFor(c => c.Name).Must(n => !string.IsNullOrWhiteSpace(n) && n.Length <= ApiKey.MaxNameLength && !n.Any(char.IsControl))
            .WithMessage($"name is required: 1 to {ApiKey.MaxNameLength} characters, no control characters (tabs, line breaks)");
        // The bootstrap key is found by this name when BOOTSTRAP_ADMIN_KEY changes: a key made by hand must not be taken for it.
        RuleFor(c => c.Name).NotEqual(EnsureBootstrapKeyCommand.KeyName)
            .WithMessage($"name '{EnsureBootstrapKeyCommand.KeyName}' is reserved for BOOTSTRAP_ADMIN_KEY");
        RuleFor(c => c.Scopes).Must(s => s is { Count: > 0 }).WithMessage($"scopes must name one or more of: {ScopeList}");
        RuleForEach(c => c.Scopes).Must(s => ApiScopeNames.TryParse(s, out _)).WithMessage($"scopes must name one or more of: {ScopeList}");
    }
}
