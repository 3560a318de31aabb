using System.Reflection;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Reports;
using Microsoft.EntityFrameworkCore.Metadata;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>
/// Ids a store gives a batch's new rows before it writes them (<see cref="ReportBatchRows"/>, untracked):
/// set through the backing fields the EF model names, as EF itself sets them.
/// </summary>
internal static class BatchRowIds
{
    /// <summary>Gives the batch's new sessions <paramref name="sessionIds"/>, in order, and each new entry its session's id.</summary>
    public static void Assign(IModel model, ReportBatchRows rows, IReadOnlyList<long> sessionIds)
    {
        if (rows.AddedSessions.Count > 0)
        {
            var sessionId = BackingField(model, typeof(Session), nameof(Session.Id));
            for (var i = 0; i < rows.AddedSessions.Count; i++)
            {
                sessionId.SetValue(rows.AddedSessions[i], sessionIds[i]);
            }
        }

        if (rows.AddedEntries.Count > 0)
        {
            var entrySessionId = BackingField(model, typeof(StatusEntry), nameof(StatusEntry.SessionId));
            foreach (var entry in rows.AddedEntries)
            {
                entrySessionId.SetValue(entry, entry.Session!.Id);
            }
        }
    }

    public static FieldInfo BackingField(IModel model, Type type, string property) =>
        model.FindEntityType(type)!.FindProperty(property)!.FieldInfo
        ?? throw new InvalidOperationException($"The model maps {type.Name}.{property} without a backing field.");
}
