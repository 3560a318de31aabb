using System.Diagnostics;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>Two service processes on one PostgreSQL database: each one's stream carries the other's reports (LISTEN/NOTIFY).</summary>
[Collection(TimingCollection.Name)]
public class EventStreamReplicaTests
{
    [SkippableFact]
    public async Task A_client_of_one_replica_sees_reports_accepted_by_the_other_within_a_second()
    {
        var (first, second) = await StartReplicasAsync("events_replicas");
        await using (first)
        await using (second)
        {
            using var secondHttp = second.CreateClient();
            await using var stream = await EventStreamClient.ConnectAsync(secondHttp, "/api/events?agent_id=across");
            using var firstHttp = first.CreateClient();
            var writer = new WireClient(firstHttp);

            var latencies = new List<TimeSpan>();
            for (var i = 0; i < 20; i++)
            {
                await writer.ReportAsync("across", "t", "running", DateTimeOffset.UtcNow, message: $"{i}");
                var accepted = Stopwatch.StartNew();
                var e = await stream.TakeAsync(i == 0 ? 2 : 1, TimeSpan.FromSeconds(5));
                latencies.Add(accepted.Elapsed);
                e[^1].Data.Str("message").Should().Be($"{i}");
            }

            latencies.Max().Should().BeLessThan(TimeSpan.FromSeconds(1), $"from one replica's 200 to the other's event (all: {string.Join(", ", latencies.Select(l => l.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))} ms)");
        }
    }

    [SkippableFact]
    public async Task Resuming_on_the_other_replica_under_concurrent_writers_to_both_loses_and_repeats_nothing()
    {
        var (first, second) = await StartReplicasAsync("events_resume");
        await using (first)
        await using (second)
        {
            using var firstHttp = first.CreateClient();
            using var secondHttp = second.CreateClient();
            // A stream's connection lives beyond the 10 s request timeout of these clients only once headers are read: its own clients.
            using var firstStream = first.CreateClient();
            using var secondStream = second.CreateClient();
            await EventStreamScenario.RunAsync(
                writerClients: [firstHttp, secondHttp],
                connect: (index, lastEventId) => EventStreamClient.ConnectAsync(index % 2 == 0 ? firstStream : secondStream, "/api/events", lastEventId),
                timestamp: DateTimeOffset.UtcNow);
        }
    }

    private static async Task<(ServiceProcess First, ServiceProcess Second)> StartReplicasAsync(string database)
    {
        var server = await PostgresServer.GetOrSkipAsync();
        var environment = new Dictionary<string, string?> { ["ConnectionStrings__KubeAgents"] = await server.CreateDatabaseAsync(database) };
        var first = ServiceProcess.Start(environment);
        var second = ServiceProcess.Start(environment);
        await Task.WhenAll(first.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60)), second.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60)));
        return (first, second);
    }
}
