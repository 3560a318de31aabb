using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Infrastructure.Notifications;
using KubeAgents.Infrastructure.Reports;
using KubeAgents.Infrastructure.Retention;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>
/// What every store registers, checked when the store is: a store that forgets one stops start-up
/// naming the seam, instead of failing on the first report, sweep or claim. docs/architecture-stores.md
/// explains each (a test keeps the two lists equal).
/// </summary>
internal static class StoreSeams
{
    /// <summary>The services a store must register, and what each is for.</summary>
    public static IReadOnlyList<(Type Service, string Purpose)> Required { get; } =
    [
        (typeof(KubeAgentsDbContext), "its DbContext (derived from KubeAgentsDbContext: locking, the batch writer, event numbering, expiry, write conflicts)"),
        (typeof(IStoreMigrator), "its migrations, applied at start-up and by the keys command"),
        (typeof(IStoreFailureClassifier), "which of its failures are outages (503, one log line an interval)"),
        (typeof(INotificationClaims), "how dispatchers claim due notifications"),
        (typeof(IRetentionStore), "the retention deletes"),
        (typeof(IAgentSearch), "how search= finds agents by id or name"),
        (typeof(IConfigureOptions<WritePipelineOptions>), "how many writers may run at once (WritePipelineOptions.Writers)"),
    ];

    /// <summary>Throws naming the first seam <paramref name="store"/> did not register.</summary>
    public static void Verify(StoreDefinition store, IServiceCollection services)
    {
        foreach (var (service, purpose) in Required)
        {
            if (!services.Any(d => d.ServiceType == service))
            {
                throw new InvalidOperationException(
                    $"The {store.Name} store registers no {NameOf(service)}: {purpose}. See docs/architecture-stores.md.");
            }
        }
    }

    /// <summary>A seam's name as C# spells it (<c>IConfigureOptions&lt;WritePipelineOptions&gt;</c>).</summary>
    public static string NameOf(Type service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.IsGenericType
            ? $"{service.Name[..service.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", service.GetGenericArguments().Select(NameOf))}>"
            : service.Name;
    }
}
