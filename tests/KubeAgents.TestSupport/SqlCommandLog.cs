using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace KubeAgents.TestSupport;

/// <summary>
/// Every command EF runs (relational providers), in order: its text, its parameters, its timeout, and
/// whether it ran synchronously, holding a thread for the round trip. <see cref="SqlCommandCounter"/> counts; this keeps.
/// </summary>
public sealed class SqlCommandLog : DbCommandInterceptor
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public int Count => _entries.Count;

    public IReadOnlyList<Entry> Entries => [.. _entries];

    /// <summary>The commands after the first <paramref name="count"/> (a <see cref="Count"/> taken earlier).</summary>
    public IReadOnlyList<Entry> After(int count) => [.. _entries.Skip(count)];

    public void Clear() => _entries.Clear();

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        Record(command, synchronous: true, result);

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        Record(command, synchronous: true, result);

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
        Record(command, synchronous: true, result);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Record(command, synchronous: false, result));

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Record(command, synchronous: false, result));

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Record(command, synchronous: false, result));

    private T Record<T>(DbCommand command, bool synchronous, T result)
    {
        var parameters = command.Parameters.Cast<DbParameter>().Select(p => new Parameter(p.ParameterName, p.Value)).ToList();
        _entries.Enqueue(new Entry(command.CommandText, command.CommandTimeout, synchronous) { Parameters = parameters });
        return result;
    }

    /// <param name="Timeout">The command's timeout in seconds, as it was sent.</param>
    public sealed record Entry(string Text, int Timeout, bool Synchronous)
    {
        /// <summary>Names and values as sent, so a test can send the same statement again (under EXPLAIN, say).</summary>
        public IReadOnlyList<Parameter> Parameters { get; init; } = [];
    }

    public sealed record Parameter(string Name, object? Value);
}
