using System.Runtime.CompilerServices;
using System.Threading.Channels;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Events;

namespace KubeAgents.Infrastructure.Events;

/// <summary>
/// One subscriber's events: the <c>reset</c> message when there is one, the replay of
/// <c>(afterId, position]</c> from the table, then the live events above the last id yielded.
/// </summary>
/// <param name="position">The id up to which events were published before the subscriber registered.</param>
/// <param name="unsubscribe">Removes the subscriber from the fan-out; called once, on dispose.</param>
internal sealed class EventSubscription(
    EventLog log,
    EventFilter filter,
    ChannelReader<StreamEvent> live,
    long afterId,
    long position,
    StreamEvent? reset,
    Action unsubscribe) : IEventSubscription
{
    private int _disposed;

    public async IAsyncEnumerable<StreamEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (reset is not null)
        {
            yield return reset;
        }

        // The past, from the table: what was published before this subscription existed.
        var sent = afterId;
        while (sent < position)
        {
            var page = await log.ReadAsync(filter, sent, position, cancellationToken).ConfigureAwait(false);
            foreach (var e in page)
            {
                yield return e;
            }

            sent = page.Count < EventLog.PageSize ? position : page[^1].Id;
        }

        // Then live: everything published since, skipping what the replay already gave.
        await foreach (var e in live.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (e.Id > sent)
            {
                sent = e.Id;
                yield return e;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            unsubscribe();
        }

        return ValueTask.CompletedTask;
    }
}
