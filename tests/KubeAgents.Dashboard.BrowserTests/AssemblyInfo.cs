// WebApplicationFactory finds the host it builds through a process-wide hook, so two factories
// starting at the same moment can take each other's host; test classes here run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
