using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>
/// One store: the settings that select it and everything it registers. Each store folder
/// (<c>Persistence/&lt;Store&gt;/</c>) has one, and <see cref="Stores.All"/> lists it: the service and
/// the <c>keys</c> command both choose through <see cref="Stores.Select"/>. docs/architecture-stores.md
/// is the checklist of what <see cref="AddServices"/> must register; <see cref="StoreSeams"/> checks it.
/// </summary>
public abstract class StoreDefinition
{
    /// <summary>What to call the store in messages ("PostgreSQL").</summary>
    public abstract string Name { get; }

    /// <summary>The settings that select it, for messages that list the ways to choose a store ("DB_NAME").</summary>
    public abstract string SelectedBy { get; }

    /// <summary>True when <paramref name="configuration"/> carries this store's settings; an invalid value throws, naming it.</summary>
    public abstract bool IsSelected(IConfiguration configuration);

    /// <summary>The store used when no store's settings are present (one store says so: the embedded one).</summary>
    public virtual bool IsDefault => false;

    /// <summary>True when what the store holds outlives the process (the <c>keys</c> command needs such a store).</summary>
    public abstract bool IsDurable(IConfiguration configuration);

    /// <summary>What the start-up banner says of it: where the data lives, never a password.</summary>
    public abstract string Describe(IConfiguration configuration);

    /// <summary>
    /// The tracing sources and meters of the store's own driver, which the service exports beside its
    /// own (none by default). The driver's telemetry stays in its store's folder: the Api names no driver.
    /// </summary>
    public virtual StoreTelemetry Telemetry => StoreTelemetry.None;

    /// <summary>Registers every seam of the store (<see cref="StoreSeams.Required"/>), reading its own settings.</summary>
    public abstract void AddServices(IServiceCollection services, IConfiguration configuration);

    public override string ToString() => Name;
}

/// <summary>The <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/> names a store's driver publishes.</summary>
public sealed record StoreTelemetry(IReadOnlyList<string> ActivitySources, IReadOnlyList<string> Meters)
{
    public static StoreTelemetry None { get; } = new([], []);
}
