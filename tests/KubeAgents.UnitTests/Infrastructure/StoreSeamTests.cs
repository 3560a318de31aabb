using System.Net.Sockets;
using KubeAgents.Application.Common.Settings;
using KubeAgents.Infrastructure.Persistence;
using KubeAgents.Infrastructure.Persistence.Postgres;
using KubeAgents.Infrastructure.Persistence.Sqlite;
using KubeAgents.Infrastructure.Reports;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KubeAgents.UnitTests.Infrastructure;

/// <summary>The one selection point, and each store's own word on its failures.</summary>
public class StoreSeamTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Postgres_is_chosen_by_its_settings_and_the_embedded_store_otherwise()
    {
        Stores.Select(Config(("DB_NAME", "kubeagents"))).Should().BeOfType<PostgresStore>();
        Stores.Select(Config(("ConnectionStrings:KubeAgents", "Host=db;Database=k"))).Should().BeOfType<PostgresStore>();
        Stores.Select(Config(("DB_FILE", "/tmp/k.db"))).Should().BeOfType<SqliteStore>();
        Stores.Select(Config()).Should().BeOfType<SqliteStore>();
    }

    [Fact]
    public void Only_a_store_that_outlives_the_process_is_durable_for_the_keys_command()
    {
        new SqliteStore().IsDurable(Config()).Should().BeFalse("the in-memory store dies with the process");
        new SqliteStore().IsDurable(Config(("DB_FILE", "/tmp/k.db"))).Should().BeTrue();
        new PostgresStore().IsDurable(Config(("DB_NAME", "kubeagents"))).Should().BeTrue();
    }

    [Fact]
    public void Postgres_runs_two_writers_unless_WRITE_WRITERS_sets_another_count()
    {
        WritersOf(new PostgresStore(), Config(("DB_NAME", "kubeagents"))).Should().Be(PostgresStore.Writers).And.Be(2);
        WritersOf(new PostgresStore(), Config(("DB_NAME", "kubeagents"), ("WRITE_WRITERS", "6"))).Should().Be(6);

        var refused = () => WritersOf(new PostgresStore(), Config(("DB_NAME", "kubeagents"), ("WRITE_WRITERS", "0")));
        refused.Should().Throw<InvalidConfigurationException>().WithMessage("WRITE_WRITERS must be a whole number from 1 to 64, got '0'.");
    }

    [Fact]
    public void The_embedded_store_runs_one_writer_whatever_WRITE_WRITERS_says() =>
        WritersOf(new SqliteStore(), Config(("WRITE_WRITERS", "6"))).Should().Be(1, "one writer at a time is SQLite's model");

    private static int WritersOf(StoreDefinition store, IConfiguration configuration)
    {
        var services = new ServiceCollection();
        store.AddServices(services, configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<WritePipelineOptions>>().Value.Writers;
    }

    [Fact]
    public void Both_stores_selected_at_once_is_refused_naming_both()
    {
        var select = () => Stores.Select(Config(("DB_NAME", "kubeagents"), ("DB_FILE", "/tmp/k.db")));

        select.Should().Throw<InvalidConfigurationException>().WithMessage("DB_FILE and DB_NAME*");
    }

    [Theory]
    [InlineData(5, "busy")]
    [InlineData(6, "locked")]
    [InlineData(8, "readonly")]
    [InlineData(10, "I/O error")]
    [InlineData(13, "database or disk is full")]
    public void Sqlite_failures_of_a_file_that_cannot_take_a_write_now_are_outages(int code, string message)
    {
        var failure = new DbUpdateException("save failed", new SqliteException($"SQLite Error {code}: '{message}'.", code));

        new SqliteFailures().IsUnavailable(failure).Should().BeTrue();
        new SqliteFailures().Describe(failure).Should().Be($"SQLite Error {code}: '{message}'", "the cause starts at SQLite's own exception");
    }

    [Theory]
    [InlineData(19, "constraint failed")]
    [InlineData(1, "no such table")]
    public void Sqlite_failures_of_a_bad_write_are_not_outages(int code, string message) =>
        new SqliteFailures().IsUnavailable(new SqliteException(message, code)).Should().BeFalse();

    [Fact]
    public void Each_store_classifies_only_its_own_provider()
    {
        var lost = new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));
        var full = new SqliteException("SQLite Error 13: 'database or disk is full'.", 13);

        new PostgresFailures().IsUnavailable(lost).Should().BeTrue();
        new PostgresFailures().IsUnavailable(full).Should().BeFalse();
        new SqliteFailures().IsUnavailable(lost).Should().BeFalse();
        new PostgresFailures().Describe(new InvalidOperationException("wrapper", lost)).Should().StartWith("Failed to connect to 127.0.0.1:5432: ");
    }
}
