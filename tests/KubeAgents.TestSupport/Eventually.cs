using System.Diagnostics;

namespace KubeAgents.TestSupport;

/// <summary>
/// The one way tests wait for what background work makes true: poll (real time, bounded) until a
/// condition holds, optionally doing something between polls (moving a fake clock), else fail saying what was awaited.
/// </summary>
public static class Eventually
{
    /// <summary>A wait, not a bound: only a failing test waits it out; background work took over 30 s at load average 78.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null, Action? between = null, TimeSpan? poll = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeout, between, poll);

    /// <param name="what">Named in the failure: "2 notifications", "the sweeper to persist expiry".</param>
    /// <param name="between">Runs after each failed poll, before the pause.</param>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Action? between = null, TimeSpan? poll = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? DefaultTimeout;
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:0.#} s for {what}.");
            }

            between?.Invoke();
            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(20));
        }
    }
}
