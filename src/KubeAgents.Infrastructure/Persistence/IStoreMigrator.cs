namespace KubeAgents.Infrastructure.Persistence;

/// <summary>Brings a store's schema up to date with its own EF migrations, safely when instances start together.</summary>
internal interface IStoreMigrator
{
    /// <summary>One attempt; a store that is unavailable (<see cref="KubeAgents.Application.Common.Interfaces.IStoreFailureClassifier.IsUnavailable"/>) is tried again.</summary>
    /// <param name="remaining">What is left of the start-up time: no single connect may wait longer.</param>
    Task MigrateAsync(TimeSpan remaining, CancellationToken cancellationToken);

    /// <summary>What to call the store in start-up messages.</summary>
    string StoreName { get; }
}
