namespace KubeAgents.Api.Startup;

/// <summary>
/// What <c>app.RunAsync()</c> does (start, wait for shutdown, dispose), except that a start that fails
/// part-way, such as a port already taken, first stops the hosted services that had started. The host
/// itself does not: disposing it then cancels their loops under a host that never began to stop, which
/// logs each as crashed, with a stack trace, above the one line that says why the start failed.
/// </summary>
internal static class HostRun
{
    public static async Task RunAsync(WebApplication app)
    {
        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.StartAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not HostAbortedException)
            {
                await StopAfterFailedStartAsync(app).ConfigureAwait(false);
                throw;
            }

            await app.WaitForShutdownAsync().ConfigureAwait(false);
        }
    }

    private static async Task StopAfterFailedStartAsync(WebApplication app)
    {
        try
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // What failed the start is what the caller reports; a service that did not start may not stop cleanly either.
            app.Logger.LogDebug(ex, "Stopping after a failed start");
        }
    }
}
