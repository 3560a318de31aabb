using Microsoft.AspNetCore.Mvc.Infrastructure;

namespace KubeAgents.Api.Startup;

/// <summary>
/// MVC finds the controllers and their actions (reflection over every controller, its attributes and
/// the conventions) the first time anything asks for them, which is <c>MapControllers</c> on the main
/// thread. Begun on a pool thread as soon as the container exists, the second core does it while the
/// main thread checks the settings and builds the rest of the pipeline; <c>MapControllers</c> then finds
/// it done or waits for it under MVC's own lock (docs/benchmarks.md, "Start-up, round 7").
/// </summary>
internal static class ControllerDiscovery
{
    public static void Begin(IServiceProvider services) =>
        // A failure here is left for MapControllers, which asks again on the main thread and gets the same exception.
        _ = Task.Run(() => services.GetRequiredService<IActionDescriptorCollectionProvider>().ActionDescriptors)
            .ContinueWith(static discovery => _ = discovery.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
