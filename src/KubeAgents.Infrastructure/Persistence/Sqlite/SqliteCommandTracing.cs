using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using KubeAgents.Application.Common.Diagnostics;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// A client span per SQL command of the embedded store (Microsoft.Data.Sqlite emits none; PostgreSQL's
/// come from Npgsql itself), with the OpenTelemetry database attributes. The EF Core instrumentation
/// package would do this too, but is only published as a beta.
/// </summary>
/// <remarks>
/// Each span is kept beside its command, not found again through <see cref="Activity.Current"/>: with
/// more than one interceptor EF calls them through an <c>async</c> composite, and the current activity
/// set inside it is gone by the time the command has run. Spans of async commands were never ended,
/// so never exported.
/// </remarks>
internal sealed class SqliteCommandTracing : DbCommandInterceptor
{
    public static readonly SqliteCommandTracing Instance = new();

    private static readonly ConditionalWeakTable<DbCommand, Activity> Spans = [];

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Start(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Start(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Start(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Start(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Start(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Start(command);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Stop(command, null);
        return ValueTask.FromResult(result);
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Stop(command, null);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Stop(command, null);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Stop(command, null);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Stop(command, null);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Stop(command, null);
        return result;
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Stop(command, eventData.Exception);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Stop(command, eventData.Exception);
        return Task.CompletedTask;
    }

    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => Stop(command, null);

    public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Stop(command, null);
        return Task.CompletedTask;
    }

    private static void Start(DbCommand command)
    {
        var source = KubeAgentsActivitySource.Instance;
        if (!source.HasListeners())
        {
            return;
        }

        var text = command.CommandText;
        var operation = FirstWord(text);
        var activity = source.StartActivity(operation is null ? "sqlite" : $"{operation} sqlite", ActivityKind.Client);
        if (activity is null)
        {
            return;
        }

        activity.SetTag("db.system.name", "sqlite");
        activity.SetTag("db.system", "sqlite");
        if (operation is not null)
        {
            activity.SetTag("db.operation.name", operation);
        }

        activity.SetTag("db.query.text", text);
        // A command run again before its span ended (EF does not reuse one so today) ends the older span first.
        Stop(command, null);
        Spans.Add(command, activity);
    }

    /// <summary>Ends the span <see cref="Start"/> began for this command, if any; once.</summary>
    private static void Stop(DbCommand command, Exception? exception)
    {
        if (!Spans.TryGetValue(command, out var activity) || !Spans.Remove(command))
        {
            return;
        }

        if (exception is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            activity.SetTag("error.type", exception.GetType().FullName);
        }

        activity.Stop();
    }

    private static string? FirstWord(string text)
    {
        var span = text.AsSpan().TrimStart();
        // EF tags (-- comments) come first.
        while (span.StartsWith("--"))
        {
            var end = span.IndexOf('\n');
            if (end < 0)
            {
                return null;
            }

            span = span[(end + 1)..].TrimStart();
        }

        var length = 0;
        while (length < span.Length && char.IsAsciiLetter(span[length]))
        {
            length++;
        }

        return length == 0 ? null : span[..length].ToString().ToUpperInvariant();
    }
}
