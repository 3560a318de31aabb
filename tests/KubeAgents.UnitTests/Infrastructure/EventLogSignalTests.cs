using KubeAgents.Infrastructure.Events;

namespace KubeAgents.UnitTests.Infrastructure;

/// <summary>The newest numbered event id a commit leaves for the event feed.</summary>
public class EventLogSignalTests
{
    [Fact]
    public void The_feed_takes_the_greatest_id_recorded_since_it_last_looked_and_then_nothing()
    {
        using var signal = new EventLogSignal();
        signal.TakeNumbered().Should().Be(0, "nothing committed yet");

        signal.Numbered(7);
        signal.Numbered(12);
        signal.Numbered(9);
        signal.Numbered(0);
        signal.TakeNumbered().Should().Be(12, "a commit that finished late does not move the end back");
        signal.TakeNumbered().Should().Be(0, "taken: a wake-up without a numbered commit asks the store");

        signal.Numbered(13);
        signal.TakeNumbered().Should().Be(13);
    }

    [Fact]
    public async Task Concurrent_commits_leave_the_greatest_of_their_ids()
    {
        using var signal = new EventLogSignal();
        await Task.WhenAll(Enumerable.Range(1, 8).Select(writer => Task.Run(() =>
        {
            for (var id = writer; id <= 80_000; id += 8)
            {
                signal.Numbered(id);
            }
        })));

        signal.TakeNumbered().Should().Be(80_000);
    }
}
