using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using KubeAgents.Application.Common.Diagnostics;
using KubeAgents.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>OTLP traces: exported to a real OTLP/HTTP (protobuf) receiver when configured, and not built at all otherwise.</summary>
public class TracingTests
{
    [SkippableTheory]
    [BothStores]
    public async Task A_report_exports_http_mediator_sql_and_notification_spans_over_otlp(StoreKind store)
    {
        await using var collector = await OtlpReceiver.StartAsync();
        await using var hook = await WebhookReceiver.StartAsync();
        await using var api = await KubeAgentsApi.StartAsync(store, new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_SERVICE_NAME"] = "kubeagents-test",
            ["NOTIFICATION_WEBHOOK_URL"] = hook.Url,
        });
        var client = api.CreateWireClient();

        await client.ReportAsync("traced", "t", "running", api.Clock.GetUtcNow());
        await client.ReportAsync("traced", "t", "success", api.Clock.GetUtcNow().AddSeconds(1));
        await hook.WaitForAsync(1, clocks: api.Clock);

        string[] expected =
        [
            "kubeagents-test",        // the resource's service.name
            "POST webhook/status",    // HTTP in: method and route (an HttpClient span is named "POST" only)
            "ReportStatusCommand",    // the mediator request
            "write batch",            // the write pipeline's transaction
            store == StoreKind.Postgres ? "postgresql" : "sqlite", // SQL: db.system
            "/hook",                  // HTTP out: the notification's url.full
        ];
        await Eventually.TrueAsync(
            () => expected.All(collector.Text.Contains),
            $"spans with {string.Join(", ", expected)}",
            TimeSpan.FromSeconds(30));
        collector.Paths.Should().OnlyContain(p => p == "/v1/traces");
        collector.ContentTypes.Should().OnlyContain(t => t == "application/x-protobuf");
    }

    [Fact]
    public async Task Every_embedded_store_command_ends_its_span_async_or_not()
    {
        // The span used to be found again through Activity.Current, which EF's async composite of the
        // store's interceptors had already lost: async commands' spans were never ended, so never exported.
        // The listener is process-wide: only this test's commands (the marker) are kept.
        var marker = Guid.NewGuid().ToString("N");
        var ended = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == KubeAgentsActivitySource.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("db.query.text") is string text && text.Contains(marker, StringComparison.Ordinal))
                {
                    ended.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite);
        var asyncText = $"SELECT 1 -- async {marker}";
        var readerText = $"SELECT 3 AS \"Value\" -- async reader {marker}";
        var syncText = $"SELECT 2 -- sync {marker}";

        await api.InDatabaseAsync(db => db.Database.ExecuteSqlRawAsync(asyncText));
        (await api.InDatabaseAsync(db => db.Database.SqlQueryRaw<int>(readerText).ToListAsync())).Should().Equal(3);
        api.InDatabase(db => db.Database.ExecuteSqlRaw(syncText));

        ended.Select(a => (string?)a.GetTagItem("db.query.text")).Should().Contain([asyncText, syncText])
            .And.Contain(text => text!.Contains(readerText, StringComparison.Ordinal), "the async reader's too");
        ended.Should().OnlyContain(a => a.DisplayName == "SELECT sqlite" && a.Kind == ActivityKind.Client && a.Duration > TimeSpan.Zero);
    }

    [Fact]
    public async Task Without_an_otlp_endpoint_no_tracer_provider_is_built()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite);
        api.Services.GetService<TracerProvider>().Should().BeNull();
    }

    /// <summary>An OTLP/HTTP collector: records the path, content type and body of every export.</summary>
    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> _exports = new();

        private OtlpReceiver(WebApplication app) => _app = app;

        public string Url { get; private set; } = string.Empty;

        public IEnumerable<string> Paths => _exports.Select(e => e.Path);

        public IEnumerable<string?> ContentTypes => _exports.Select(e => e.ContentType);

        /// <summary>Every body as UTF-8: protobuf keeps strings (span names, attribute values) as their bytes.</summary>
        public string Text => string.Join('\n', _exports.Select(e => Encoding.UTF8.GetString(e.Body)));

        public static async Task<OtlpReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new OtlpReceiver(app);
            app.Run(async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                receiver._exports.Enqueue((context.Request.Path.Value ?? string.Empty, context.Request.ContentType, body.ToArray()));
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "application/x-protobuf";
            });
            await app.StartAsync();
            receiver.Url = app.Urls.Single();
            return receiver;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
