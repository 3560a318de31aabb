// Test classes (each its own collection, or a shared-fixture collection such as "api") run in
// parallel, four tests at a time: most of a test's time is waiting on a process, a database or a
// poll, not the CPU. WebApplicationFactory's hook into Program (HostFactoryResolver) keeps the host
// of each factory apart (an AsyncLocal per factory), so factories may start at the same moment.
// Classes with wall-clock bounds run alone afterwards, in the TimingCollection.
[assembly: CollectionBehavior(MaxParallelThreads = 4)]
