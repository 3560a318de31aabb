using FluentValidation;
using KubeAgents.Application.Common.Exceptions;
using Mediator;

namespace KubeAgents.Application.Common.Behaviors;

/// <summary>
/// Runs every validator of a message before its handler, so HTTP, tests and any future entry point
/// validate alike. Failures leave as <see cref="RequestValidationException"/>: FluentValidation stays
/// inside this layer.
/// </summary>
public sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(message, cancellationToken).ConfigureAwait(false);
            failures.AddRange(result.Errors.Select(e => e.ErrorMessage));
        }

        if (failures.Count > 0)
        {
            throw new RequestValidationException([.. failures.Distinct()]);
        }

        return await next(message, cancellationToken).ConfigureAwait(false);
    }
}
