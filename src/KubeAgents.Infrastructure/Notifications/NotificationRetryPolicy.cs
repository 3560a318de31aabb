namespace KubeAgents.Infrastructure.Notifications;

/// <summary>Exponential backoff with ±20% jitter: about 1s after the first failure, doubling, at most 10 minutes.</summary>
internal static class NotificationRetryPolicy
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(10);

    /// <param name="failedAttempts">Attempts made so far, all failed (1 after the first failure).</param>
    /// <param name="jitter">A number in [0, 1).</param>
    public static TimeSpan DelayAfter(int failedAttempts, double jitter)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var delay = Math.Min(First.TotalSeconds * Math.Pow(2, exponent), Max.TotalSeconds);
        return TimeSpan.FromSeconds(delay * (0.8 + (0.4 * jitter)));
    }
}
