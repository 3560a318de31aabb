using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Notifications;
using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;
using Mediator;
using Microsoft.Extensions.Options;

namespace KubeAgents.Application.Reports.Commands.ReportStatus;

/// <summary>An agent's status report, as posted to <c>/webhook/status</c>. Every member is optional on the wire; the validator says which are required.</summary>
public sealed record ReportStatusCommand : ICommand
{
    public string? AgentId { get; init; }

    public string? AgentName { get; init; }

    public string? AgentSource { get; init; }

    public string? SessionTopic { get; init; }

    public SessionStatus? Status { get; init; }

    /// <summary>RFC 3339 with an offset; stored as the instant it names.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    public string? Message { get; init; }

    public string? Content { get; init; }

    /// <summary>0 or absent keeps the session's TTL (30 for a new session); 1 to 1440 sets it.</summary>
    public int? TtlMinutes { get; init; }
}

public sealed class ReportStatusHandler(
    IReportTargets targets,
    IApplicationDbContext db,
    IOptions<NotificationOutboxOptions> notifications,
    INotificationSignal notificationSignal,
    TimeProvider time) : ICommandHandler<ReportStatusCommand>
{
    public async ValueTask<Unit> Handle(ReportStatusCommand command, CancellationToken cancellationToken)
    {
        // The validation behavior guarantees the required members.
        var report = new StatusReport(
            command.Status!.Value,
            command.Timestamp!.Value,
            NullIfEmpty(command.Message),
            NullIfEmpty(command.Content),
            command.TtlMinutes ?? 0);
        var now = time.GetUtcNow();

        var target = await targets.AcquireAsync(command.AgentId!, command.SessionTopic!, now, cancellationToken).ConfigureAwait(false);
        await using (target.ConfigureAwait(false))
        {
            var outcome = target.Session.Record(report, now);
            target.Agent.Record(command.AgentName, command.AgentSource, report, now);
            var notify = outcome.Finished && notifications.Value.Enabled;
            if (notify)
            {
                // The outbox row commits with the report, or neither does.
                db.Notifications.Add(Notification.SessionFinished(target.Agent, target.Session, outcome, now));
            }

            await target.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (notify)
            {
                notificationSignal.Notify();
            }
        }

        return Unit.Value;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
