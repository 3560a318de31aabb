using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KubeAgents.UnitTests.Infrastructure;

/// <summary>
/// The schema is brought up to date as soon as the container is built (<c>Begin</c>), while the host
/// builds its pipeline; the host's start waits for that same work and sees what became of it.
/// </summary>
public class DatabaseInitializerTests
{
    [Fact]
    public async Task The_start_waits_for_the_migration_begun_before_it_and_runs_no_second_one()
    {
        var migrator = new HeldMigrator();
        using var initializer = Create(migrator);

        var begun = initializer.Begin();
        var start = initializer.StartAsync(CancellationToken.None);
        await migrator.Started.Task.WaitAsync(TimeSpan.FromMinutes(1));

        initializer.Begin().Should().BeSameAs(begun);
        start.IsCompleted.Should().BeFalse("the schema is not up to date yet");
        migrator.Release.SetResult();
        await start.WaitAsync(TimeSpan.FromMinutes(1));
        migrator.Calls.Should().Be(1);
    }

    [Fact]
    public async Task A_failure_while_the_pipeline_is_built_surfaces_at_the_start()
    {
        var migrator = new HeldMigrator { Failure = new InvalidOperationException("not a database") };
        using var initializer = Create(migrator);

        _ = initializer.Begin();
        migrator.Release.SetResult();

        var start = () => initializer.StartAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));
        await start.Should().ThrowAsync<InvalidOperationException>().WithMessage("not a database");
    }

    [Fact]
    public async Task A_cancelled_start_abandons_the_migration_begun_early()
    {
        var migrator = new HeldMigrator();
        using var initializer = Create(migrator);
        using var stop = new CancellationTokenSource();

        _ = initializer.Begin();
        var start = initializer.StartAsync(stop.Token);
        await migrator.Started.Task.WaitAsync(TimeSpan.FromMinutes(1));
        await stop.CancelAsync();

        await ((Func<Task>)(() => start.WaitAsync(TimeSpan.FromMinutes(1)))).Should().ThrowAsync<OperationCanceledException>();
        migrator.Cancelled.Should().BeTrue();
    }

    [Fact]
    public async Task A_start_up_that_fails_before_the_host_waits_abandons_the_migration_and_waits_for_it()
    {
        var migrator = new HeldMigrator();
        using var initializer = Create(migrator);

        var begun = initializer.Begin();
        await migrator.Started.Task.WaitAsync(TimeSpan.FromMinutes(1));
        initializer.Abandon();

        migrator.Cancelled.Should().BeTrue();
        begun.IsCompleted.Should().BeTrue("Abandon returns once the migration has let go of the store");
        initializer.Invoking(i => i.Dispose()).Should().NotThrow();
    }

    [Fact]
    public async Task EF_counts_as_warmed_up_once_its_first_use_after_the_migration_is_made()
    {
        var migrator = new HeldMigrator();
        var firstUse = new HeldFirstUse();
        using var initializer = Create(migrator, firstUse);

        var migration = initializer.Begin();
        await migrator.Started.Task.WaitAsync(TimeSpan.FromMinutes(1));
        initializer.WarmedUp.IsCompleted.Should().BeFalse("EF's first use comes after the migration");

        migrator.Release.SetResult();
        await migration.WaitAsync(TimeSpan.FromMinutes(1));
        await firstUse.Started.Task.WaitAsync(TimeSpan.FromMinutes(1));
        initializer.WarmedUp.IsCompleted.Should().BeFalse("the migration is done, but EF's first use is still being made");

        firstUse.Release.SetResult();
        await initializer.WarmedUp.WaitAsync(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void An_initializer_disposed_before_it_began_leaves_nothing_waiting()
    {
        var initializer = Create(new HeldMigrator());

        initializer.Dispose();

        initializer.WarmedUp.IsCompletedSuccessfully.Should().BeTrue();
    }

    [Fact]
    public async Task A_failed_migration_leaves_nothing_waiting_for_a_warm_up_that_will_not_come()
    {
        var migrator = new HeldMigrator { Failure = new InvalidOperationException("not a database") };
        using var initializer = Create(migrator);

        _ = initializer.Begin();
        migrator.Release.SetResult();

        await initializer.WarmedUp.WaitAsync(TimeSpan.FromMinutes(1));
        initializer.WarmedUp.IsCompletedSuccessfully.Should().BeTrue("the migration's failure is the start's to report, not the waiters'");
    }

    [Fact]
    public async Task Work_after_the_start_waits_for_the_host_to_listen_and_for_EF_to_be_warm()
    {
        var migrator = new HeldMigrator();
        using var initializer = Create(migrator);
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        var afterStart = new AfterStart(lifetime, initializer);

        _ = initializer.Begin();
        var waiting = afterStart.WaitAsync(CancellationToken.None);
        await migrator.Started.Task.WaitAsync(TimeSpan.FromMinutes(1));
        migrator.Release.SetResult();
        await initializer.WarmedUp.WaitAsync(TimeSpan.FromMinutes(1));
        waiting.IsCompleted.Should().BeFalse("the host has not started");

        lifetime.NotifyStarted();
        await waiting.WaitAsync(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Work_waiting_for_the_start_to_end_stops_waiting_when_the_service_stops()
    {
        var migrator = new HeldMigrator();
        using var initializer = Create(migrator);
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        using var stopping = new CancellationTokenSource();

        _ = initializer.Begin();
        var waiting = new AfterStart(lifetime, initializer).WaitAsync(stopping.Token);
        lifetime.NotifyStarted();
        await migrator.Started.Task.WaitAsync(TimeSpan.FromMinutes(1));
        waiting.IsCompleted.Should().BeFalse("EF's first use has not been made");

        await stopping.CancelAsync();
        await ((Func<Task>)(() => waiting.WaitAsync(TimeSpan.FromMinutes(1)))).Should().ThrowAsync<OperationCanceledException>();
    }

    private static DatabaseInitializer Create(IStoreMigrator migrator, HeldFirstUse? firstUse = null)
    {
        var collection = new ServiceCollection().AddScoped(_ => migrator);
        if (firstUse is not null)
        {
            // The warm-up asks for a context; this one is "made" when the test says so (and is none).
            collection.AddScoped<KubeAgentsDbContext>(_ => firstUse.Make());
        }

        var services = collection.BuildServiceProvider();
        return new DatabaseInitializer(
            services.GetRequiredService<IServiceScopeFactory>(),
            Options.Create(new DatabaseStartupOptions()),
            new NothingUnavailable(),
            NullLogger<DatabaseInitializer>.Instance);
    }

    /// <summary>A migration that runs until the test releases it (or its start is cancelled).</summary>
    private sealed class HeldMigrator : IStoreMigrator
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? Failure { get; init; }

        public int Calls { get; private set; }

        public bool Cancelled { get; private set; }

        public string StoreName => "test store";

        public async Task MigrateAsync(TimeSpan remaining, CancellationToken cancellationToken)
        {
            Calls++;
            Started.TrySetResult();
            try
            {
                await Release.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled = true;
                throw;
            }

            if (Failure is not null)
            {
                throw Failure;
            }
        }
    }

    /// <summary>EF's first use (the warm-up's context), held until the test releases it.</summary>
    private sealed class HeldFirstUse
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public KubeAgentsDbContext Make()
        {
            Started.TrySetResult();
            Release.Task.Wait(TimeSpan.FromMinutes(1));
            return null!;
        }
    }

    private sealed class NothingUnavailable : IStoreFailureClassifier
    {
        public bool IsUnavailable(Exception exception) => false;

        public bool IsRefusedCommit(Exception exception) => false;

        public string Describe(Exception exception) => exception.Message;
    }
}
