using KubeAgents.Application.Common.Interfaces;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>The stores' <see cref="DatabaseFailures"/> behind the Application's port, for the Api's error mapping.</summary>
internal sealed class DatabaseFailureClassifier : IStoreFailureClassifier
{
    public bool IsUnavailable(Exception exception) => DatabaseFailures.IsUnavailable(exception);

    public string Describe(Exception exception) => DatabaseFailures.Describe(exception);
}
