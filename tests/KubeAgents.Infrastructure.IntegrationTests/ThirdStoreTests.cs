using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Events;
using KubeAgents.Application.Reports;
using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Notifications;
using KubeAgents.Infrastructure.Persistence;
using KubeAgents.Infrastructure.Persistence.Sqlite;
using KubeAgents.Infrastructure.Reports;
using KubeAgents.Infrastructure.Retention;
using KubeAgents.Infrastructure.Sessions;
using KubeAgents.TestSupport;
using KubeAgents.TestSupport.Contract;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace KubeAgents.Infrastructure.IntegrationTests;

/// <summary>
/// A third store, known only to this test and written from docs/architecture-stores.md alone (SQLite
/// under a second registration), proves the checklist complete: chosen through the same selection
/// point, it takes reports, numbers their events, expires sessions, claims and delivers a
/// notification and runs retention. Leaving out any seam the checklist names stops start-up naming it.
/// </summary>
public class ThirdStoreTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_store_written_from_the_checklist_alone_runs_every_part_of_the_service()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var clock = new FakeTimeProvider(Epoch);
        using var host = Build(new SecondRegistration(), clock, new()
        {
            [SecondRegistration.SettingKey] = "on",
            [NotificationOptions.WebhookUrlKey] = receiver.Url,
            [RetentionOptions.DaysKey] = "1",
            // The service's own sweeper stays out of the way: the test sweeps when it means to.
            [SessionSweepOptions.IntervalKey] = "86400",
        });
        await host.StartAsync();
        var services = host.Services;
        services.GetRequiredService<IStoreFailureClassifier>().Should().BeOfType<SqliteFailures>();

        var writer = services.GetRequiredService<IReportWriter>();
        await writer.WriteAsync(Report("third", SessionStatus.Running, clock.GetUtcNow()), CancellationToken.None);
        await writer.WriteAsync(Report("third", SessionStatus.Success, clock.GetUtcNow()), CancellationToken.None);
        await writer.WriteAsync(Report("silent", SessionStatus.Running, clock.GetUtcNow()), CancellationToken.None);
        (await receiver.WaitForAsync(1, clocks: clock)).Should().ContainSingle("running -> success is due once, claimed and delivered");
        // The receiver has it; the dispatcher records the delivery just after the receiver answers.
        await Eventually.TrueAsync(async () =>
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<IApplicationDbContext>();
            return await db.Notifications.AnyAsync() && await db.Notifications.AllAsync(n => n.State == NotificationState.Delivered);
        }, "the delivery to be recorded");

        clock.Advance(TimeSpan.FromMinutes(Session.DefaultTtlMinutes + 1));
        (await services.GetRequiredService<SessionSweeper>().SweepOnceAsync(CancellationToken.None)).Should().Be(2);

        await using var subscription = await services.GetRequiredService<IEventStream>().SubscribeAsync(new EventFilter(null, null), 0, CancellationToken.None);
        var events = new List<StreamEvent>();
        await foreach (var e in subscription.ReadAllAsync(CancellationToken.None))
        {
            events.Add(e);
            if (events.Count == 7)
            {
                break;
            }
        }

        events.Select(e => e.Id).Should().Equal(1, 2, 3, 4, 5, 6, 7);
        events.Count(e => e.Type == StreamEvent.SessionExpired).Should().Be(2);

        // The schedule may run retention too as the clock moves: what is checked is what is left.
        clock.Advance(TimeSpan.FromDays(2));
        await services.GetRequiredService<HistoryRetention>().RunOnceAsync(CancellationToken.None);
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IApplicationDbContext>();
            (await db.Sessions.CountAsync()).Should().Be(0, "retention removed the sessions expired more than a day ago");
            (await db.Agents.CountAsync()).Should().Be(0, "and their agents");
            (await db.Notifications.CountAsync()).Should().Be(0, "and the delivered notification");
        }

        await host.StopAsync();
    }

    public static TheoryData<string> Seams => [.. StoreSeams.Required.Select(s => StoreSeams.NameOf(s.Service))];

    [Theory]
    [MemberData(nameof(Seams))]
    public void A_store_that_leaves_out_a_seam_stops_start_up_naming_it(string seam)
    {
        var omitted = StoreSeams.Required.Single(s => StoreSeams.NameOf(s.Service) == seam).Service;

        var build = () => Build(new SecondRegistration(omitted), TimeProvider.System, new() { [SecondRegistration.SettingKey] = "on" });

        build.Should().Throw<InvalidOperationException>()
            .WithMessage($"The {SecondRegistration.StoreName} store registers no {seam}: *docs/architecture-stores.md*");
    }

    [Fact]
    public void The_checklist_names_every_seam_and_the_selection_point()
    {
        var checklist = File.ReadAllText(Path.Combine(ContractDocument.RepositoryRoot(), "docs", "architecture-stores.md"));

        foreach (var (service, _) in StoreSeams.Required)
        {
            // A registration of options is named by its options: `WritePipelineOptions.Writers`.
            var name = service.IsGenericType ? service.GetGenericArguments()[0].Name : service.Name;
            checklist.Should().Contain($"`{name}", $"the checklist explains {StoreSeams.NameOf(service)}");
        }

        checklist.Should().Contain("`Stores.All`").And.Contain("`StoreDefinition`").And.Contain("`MarkExpiredSessionsAsync`")
            .And.Contain("`DatabaseSettings`").And.Contain("`IsDurable`").And.Contain("`PublishPendingEventsAsync`");
    }

    [Fact]
    public void The_selection_point_picks_the_first_store_the_settings_select()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [SecondRegistration.SettingKey] = "on" }).Build();

        Stores.Select(configuration, [new SecondRegistration(), .. Stores.All]).Name.Should().Be(SecondRegistration.StoreName);
        Stores.Select(configuration).Name.Should().Be("SQLite", "the embedded store is the default");
    }

    private static IHost Build(StoreDefinition store, TimeProvider clock, Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(clock);
        builder.Services.AddInfrastructureServices(builder.Configuration, [store, .. Stores.All]);
        return builder.Build();
    }

    private static IncomingReport Report(string agentId, SessionStatus status, DateTimeOffset now) =>
        new(agentId, "t", null, null, new StatusReport(status, now, null, null, 0), now);

    /// <summary>The checklist's seams, one line each, over SQLite's implementations; <paramref name="omit"/> leaves one out.</summary>
    private sealed class SecondRegistration(Type? omit = null) : StoreDefinition
    {
        public const string SettingKey = "TEST_SECOND_STORE";
        public const string StoreName = "second SQLite";

        public override string Name => StoreName;

        public override string SelectedBy => SettingKey;

        public override bool IsSelected(IConfiguration configuration) => configuration[SettingKey] is not null;

        public override bool IsDurable(IConfiguration configuration) => false;

        public override string Describe(IConfiguration configuration) => StoreName;

        public override void AddServices(IServiceCollection services, IConfiguration configuration)
        {
            services.AddSingleton(_ => SqliteDatabase.Open(null));
            services.AddDbContextPool<SqliteDbContext>((provider, options) =>
                options.UseSqlite(provider.GetRequiredService<SqliteDatabase>().ConnectionString).AddInterceptors(provider.GetRequiredService<SqliteDatabase>().Setup));
            Seam<KubeAgentsDbContext>(services, s => s.AddScoped<KubeAgentsDbContext>(provider => provider.GetRequiredService<SqliteDbContext>()));
            Seam<IStoreMigrator>(services, s => s.AddScoped<IStoreMigrator, SqliteMigrator>());
            Seam<IStoreFailureClassifier>(services, s => s.AddSingleton<IStoreFailureClassifier, SqliteFailures>());
            Seam<INotificationClaims>(services, s => s.AddSingleton<INotificationClaims, SqliteNotificationClaims>());
            Seam<IRetentionStore>(services, s => s.AddScoped<IRetentionStore, SqliteRetentionStore>());
            Seam<IAgentSearch>(services, s => s.AddScoped<IAgentSearch, SubstringAgentSearch>());
            Seam<Microsoft.Extensions.Options.IConfigureOptions<WritePipelineOptions>>(services, s => s.Configure<WritePipelineOptions>(o => o.Writers = 1));
        }

        private void Seam<T>(IServiceCollection services, Action<IServiceCollection> register)
        {
            if (typeof(T) != omit)
            {
                register(services);
            }
        }
    }
}
