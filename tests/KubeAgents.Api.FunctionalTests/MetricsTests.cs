using System.Globalization;
using KubeAgents.TestSupport;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>The Prometheus scrape at <c>/metrics</c>: read before and after some reports, the service's own series move.</summary>
[Collection(ApiCollection.Name)]
public class MetricsTests(ApiFixture fixture)
{
    [SkippableTheory]
    [BothStores]
    public async Task Connected_event_stream_clients_are_counted(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        using var http = api.CreateClient();
        var before = (await ScrapeAsync(http)).Sum("kubeagents_events_clients");

        await using (var first = await EventStreamClient.ConnectAsync(api.CreateClient()))
        await using (var second = await EventStreamClient.ConnectAsync(api.CreateClient(), "/api/events?agent_id=x"))
        {
            (await ScrapeAsync(http)).Sum("kubeagents_events_clients").Should().Be(before + 2);
        }

        await Eventually.TrueAsync(async () => (await ScrapeAsync(http)).Sum("kubeagents_events_clients") == before, "the count to drop when the clients leave");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Reports_move_the_accepted_counter_by_status_and_the_batch_size_histogram(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        using var http = api.CreateClient();
        const int Running = 3;
        var agentId = Unique("metrics");

        var before = await ScrapeAsync(http);
        for (var i = 0; i < Running; i++)
        {
            await client.ReportAsync(agentId, $"t{i}", "running", api.Clock.GetUtcNow());
        }

        await client.ReportAsync(agentId, "t0", "success", api.Clock.GetUtcNow());
        var after = await ScrapeAsync(http);

        (after.Sum("kubeagents_reports_accepted_total", "status=\"running\"") - before.Sum("kubeagents_reports_accepted_total", "status=\"running\""))
            .Should().Be(Running, "before:\n{0}\nafter:\n{1}", before.Text, after.Text);
        (after.Sum("kubeagents_reports_accepted_total", "status=\"success\"") - before.Sum("kubeagents_reports_accepted_total", "status=\"success\""))
            .Should().Be(1, after.Text);
        // Sequential reports: one batch each.
        (after.Sum("kubeagents_write_batch_size_count") - before.Sum("kubeagents_write_batch_size_count"))
            .Should().Be(Running + 1, after.Text);
        (after.Sum("kubeagents_write_batch_size_sum") - before.Sum("kubeagents_write_batch_size_sum"))
            .Should().Be(Running + 1, after.Text);
        (after.Sum("kubeagents_report_duration_seconds_count") - before.Sum("kubeagents_report_duration_seconds_count"))
            .Should().Be(Running + 1, after.Text);
        after.Sum("kubeagents_write_queue_depth").Should().Be(0, "nothing is waiting once every report answered");
    }

    [SkippableTheory]
    [BothStores]
    public async Task The_scrape_is_Prometheus_text(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        using var http = api.CreateClient();

        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));

        response.EnsureSuccessStatusCode();
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        response.Content.Headers.ContentType.Parameters.Should().Contain(p => p.Name == "version" && p.Value == "0.0.4");
        var text = await response.Content.ReadAsStringAsync();
        text.Should().Contain("# TYPE kubeagents_write_queue_depth gauge\n")
            .And.MatchRegex(@"(?m)^kubeagents_write_queue_depth\{[^}]*\} \d+");
    }

    /// <summary>The store's driver metrics come through its StoreDefinition.Telemetry: Npgsql's on PostgreSQL, none on the embedded store.</summary>
    [SkippableTheory]
    [BothStores]
    public async Task The_store_driver_metrics_are_those_of_the_store_in_use(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        using var http = api.CreateClient();
        await api.CreateWireClient().ReportAsync("driver-metrics", "t", "running", api.Clock.GetUtcNow());

        var text = (await ScrapeAsync(http)).Text;

        if (store == StoreKind.Postgres)
        {
            text.Should().MatchRegex(@"(?m)^db_client_\w+", "Npgsql's meter is exported on PostgreSQL");
        }
        else
        {
            text.Should().NotMatchRegex(@"(?m)^db_client_\w+", "the embedded store has no driver meter, and no other host's is exported");
        }
    }

    private static async Task<Scrape> ScrapeAsync(HttpClient http) =>
        new(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

    /// <summary>The text format: <c>name{label="value",...} value [timestamp]</c> per sample, <c>#</c> comments.</summary>
    private sealed record Scrape(string Text)
    {
        /// <summary>The sum of the samples named <paramref name="name"/> (among those with <paramref name="label"/>, when given); 0 when none.</summary>
        public double Sum(string name, string? label = null)
        {
            double sum = 0;
            foreach (var line in Text.Split('\n'))
            {
                if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal))
                {
                    continue;
                }

                var rest = line[name.Length..];
                var labels = string.Empty;
                if (rest.StartsWith('{'))
                {
                    var end = rest.LastIndexOf('}');
                    labels = rest[1..end];
                    rest = rest[(end + 1)..];
                }
                else if (!rest.StartsWith(' '))
                {
                    continue; // a longer name with this prefix
                }

                if (label is null || labels.Split(',').Contains(label, StringComparer.Ordinal))
                {
                    sum += double.Parse(rest.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
                }
            }

            return sum;
        }
    }
}
