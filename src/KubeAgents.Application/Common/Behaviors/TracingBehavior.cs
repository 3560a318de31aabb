using System.Diagnostics;
using KubeAgents.Application.Common.Diagnostics;
using Mediator;

namespace KubeAgents.Application.Common.Behaviors;

/// <summary>
/// A span per mediator request, named after the message (<c>ReportStatusCommand</c>), around
/// validation and the handler; a failure marks it as an error with the exception's type.
/// </summary>
public sealed class TracingBehavior<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly string SpanName = typeof(TMessage).Name;

    public async ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        using var activity = KubeAgentsActivitySource.Instance.StartActivity(SpanName);
        if (activity is null)
        {
            return await next(message, cancellationToken).ConfigureAwait(false);
        }

        activity.SetTag("kubeagents.request", SpanName);
        try
        {
            return await next(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            activity.SetTag("error.type", ex.GetType().FullName);
            throw;
        }
    }
}
