namespace KubeAgents.Infrastructure.Persistence;

/// <summary>Brings a store's schema up to date with its own EF migrations, safely when instances start together.</summary>
internal interface IStoreMigrator
{
    /// <summary>Store-specific: the connection may fail as unavailable (<see cref="DatabaseFailures.IsUnavailable"/>), and is then retried.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>What to call the store in start-up messages.</summary>
    string StoreName { get; }
}
