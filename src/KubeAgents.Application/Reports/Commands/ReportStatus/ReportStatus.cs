using System.ComponentModel.DataAnnotations;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Reports;
using KubeAgents.Domain.Sessions;
using Mediator;

namespace KubeAgents.Application.Reports.Commands.ReportStatus;

/// <summary>An agent's status report, as posted to <c>/webhook/status</c>.</summary>
/// <remarks>
/// Members are nullable so that a missing one reaches <see cref="ReportStatusValidator"/>, which
/// enforces the rules and names the field; <c>[Required]</c> only documents the contract in OpenAPI.
/// </remarks>
public sealed record ReportStatusCommand : ICommand
{
    /// <summary>The reporting agent, 1 to 100 characters; registered on its first report.</summary>
    /// <example>cursor-1</example>
    [Required]
    public string? AgentId { get; init; }

    /// <summary>Display name, up to 200 characters; an empty value keeps the stored one.</summary>
    /// <example>Cursor</example>
    public string? AgentName { get; init; }

    /// <summary>Where the agent runs, up to 200 characters; an empty value keeps the stored one.</summary>
    /// <example>ide</example>
    public string? AgentSource { get; init; }

    /// <summary>The task, 1 to 500 characters, any Unicode; with the agent id it names the session.</summary>
    /// <example>fix login bug/PR #42</example>
    [Required]
    public string? SessionTopic { get; init; }

    /// <summary>The task's status.</summary>
    /// <example>running</example>
    [Required]
    public SessionStatus? Status { get; init; }

    /// <summary>When the status was reached: RFC 3339 with an offset; orders the history.</summary>
    /// <example>2026-11-27T18:00:00+08:00</example>
    [Required]
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>A short note, up to 1000 characters.</summary>
    /// <example>reproducing the bug</example>
    public string? Message { get; init; }

    /// <summary>Longer detail, up to 10000 characters.</summary>
    public string? Content { get; init; }

    /// <summary>0 or absent keeps the session's TTL (30 for a new session); 1 to 1440 sets it.</summary>
    /// <example>60</example>
    public int? TtlMinutes { get; init; }
}

/// <summary>Hands the validated report to the write path and answers once it is committed.</summary>
public sealed class ReportStatusHandler(IReportWriter writer, TimeProvider time) : ICommandHandler<ReportStatusCommand>
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
        var incoming = new IncomingReport(command.AgentId!, command.SessionTopic!, command.AgentName, command.AgentSource, report, time.GetUtcNow());
        await writer.WriteAsync(incoming, cancellationToken).ConfigureAwait(false);
        return Unit.Value;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
