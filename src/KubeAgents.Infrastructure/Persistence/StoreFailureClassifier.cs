using KubeAgents.Application.Common.Interfaces;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>
/// A store's word on its own failures: each store folder derives one, for the provider it knows.
/// What is shared is only the wording of a cause, correct for any provider.
/// </summary>
public abstract class StoreFailureClassifier : IStoreFailureClassifier
{
    public abstract bool IsUnavailable(Exception exception);

    public abstract bool IsRefusedCommit(Exception exception);

    /// <summary>
    /// The cause in one line, for a log: the provider's message and what lies under it ("Failed to
    /// connect to 127.0.0.1:5432: Connection refused"), not the wrappers above it (EF's retrying
    /// strategy's "An exception has been raised that is likely due to a transient failure").
    /// </summary>
    public string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var start = exception;
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (IsCause(current) || current is System.Net.Sockets.SocketException or TimeoutException or IOException or UnauthorizedAccessException)
            {
                start = current;
                break;
            }
        }

        var messages = new List<string>();
        for (var current = start; current is not null; current = current.InnerException)
        {
            var message = current.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
            if (message.Length > 0 && !messages.Any(m => m.Contains(message, StringComparison.Ordinal)))
            {
                messages.Add(message);
            }
        }

        return string.Join(": ", messages);
    }

    /// <summary>True for the provider's own exception, where <see cref="Describe"/> starts.</summary>
    protected abstract bool IsCause(Exception exception);

    /// <summary>True when <paramref name="exception"/> or one under it matches.</summary>
    protected static bool AnyInChain(Exception exception, Func<Exception, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (match(current))
            {
                return true;
            }
        }

        return false;
    }
}
