namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// Tests that bound real time (a SIGTERM drain, a replica's latency, a page's render time, a write
/// lock held within the store's busy timeout, clock steps per real-time poll): they run
/// one class at a time once the parallel classes are done, so the CPU they are timed on is not shared
/// with this assembly's other tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "timing";
}
