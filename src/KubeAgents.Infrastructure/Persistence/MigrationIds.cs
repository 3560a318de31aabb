using System.Data.Common;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>
/// The ids of a context's migrations, found as EF's migrations assembly finds them (a <see cref="Migration"/>
/// with the context's <see cref="DbContextAttribute"/> and a <see cref="MigrationAttribute"/>), without
/// building the context: a start on an up-to-date database compares them with the history and leaves EF cold.
/// </summary>
internal static class MigrationIds
{
    public static IReadOnlySet<string> Of<TContext>() where TContext : DbContext => Cache<TContext>.Ids;

    /// <summary>
    /// Whether a database with a history lacks one of this build's migrations (EF then applies it).
    /// Ids in the history that this build does not know (a newer release migrated it) are ignored, and
    /// ids are compared ignoring case, as EF's own <c>Migrate</c> does. Plain ADO.NET over the
    /// migration's connection: EF stays cold.
    /// </summary>
    /// <param name="connection">Open; the history table exists (the store's <see cref="SchemaScript"/> found a schema).</param>
    /// <param name="commandTimeout">Seconds the query may take; null for the provider's default.</param>
    public static async Task<bool> AnyPendingAsync<TContext>(DbConnection connection, int? commandTimeout, CancellationToken cancellationToken)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = """SELECT "MigrationId" FROM "__EFMigrationsHistory";""";
            command.CommandTimeout = commandTimeout ?? command.CommandTimeout;
            var pending = new HashSet<string>(Of<TContext>(), StringComparer.OrdinalIgnoreCase);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    pending.Remove(reader.GetString(0));
                }
            }

            return pending.Count > 0;
        }
    }

    private static class Cache<TContext> where TContext : DbContext
    {
        public static readonly IReadOnlySet<string> Ids = LoadableTypes(typeof(TContext).Assembly)
            .Where(type => type.IsSubclassOf(typeof(Migration)) && !type.IsAbstract
                && type.GetCustomAttribute<DbContextAttribute>()?.ContextType == typeof(TContext))
            .Select(type => type.GetCustomAttribute<MigrationAttribute>()?.Id)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The types that load, as EF's own scan takes them: one that does not (a missing dependency) is not a migration of ours.</summary>
    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.OfType<Type>();
        }
    }
}
