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
