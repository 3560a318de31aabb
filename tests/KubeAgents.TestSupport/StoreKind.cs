namespace KubeAgents.TestSupport;

public enum StoreKind
{
    /// <summary>The embedded store as it runs by default: SQLite in memory (a temporary WAL file).</summary>
    Sqlite,
    Postgres,
}

/// <summary>Runs a theory once per store; the PostgreSQL run skips (or fails, in CI) when no server can be had.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BothStoresAttribute : Xunit.Sdk.DataAttribute
{
    public override IEnumerable<object[]> GetData(System.Reflection.MethodInfo testMethod) =>
        [[StoreKind.Sqlite], [StoreKind.Postgres]];
}
