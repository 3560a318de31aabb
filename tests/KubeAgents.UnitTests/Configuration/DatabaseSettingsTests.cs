using KubeAgents.Application.Common.Settings;
using KubeAgents.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace KubeAgents.UnitTests.Configuration;

public class DatabaseSettingsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static NpgsqlConnectionStringBuilder Parse(params (string Key, string Value)[] values) =>
        new(DatabaseSettings.GetPostgresConnectionString(Config(values)));

    [Fact]
    public void No_database_name_means_the_in_memory_store() =>
        DatabaseSettings.GetPostgresConnectionString(Config(("DB_HOST", "db"))).Should().BeNull();

    [Fact]
    public void Db_name_alone_uses_the_original_defaults()
    {
        var builder = Parse(("DB_NAME", "kubeagents"));

        builder.Host.Should().Be("localhost");
        builder.Port.Should().Be(5432);
        builder.Database.Should().Be("kubeagents");
        builder.SslMode.Should().Be(SslMode.Disable);
        builder.MaxPoolSize.Should().Be(25);
        builder.MinPoolSize.Should().Be(5);
        builder.ConnectionLifetime.Should().Be(300);
        builder.MaxAutoPrepare.Should().Be(32);
        builder.NoResetOnClose.Should().BeTrue();
    }

    [Fact]
    public void Statement_preparation_and_reset_follow_an_explicit_connection_string()
    {
        var builder = Parse(("ConnectionStrings:KubeAgents", "Host=a;Database=x;Max Auto Prepare=0;No Reset On Close=false"));

        builder.MaxAutoPrepare.Should().Be(0);
        builder.NoResetOnClose.Should().BeFalse();
    }

    [Fact]
    public void Every_db_variable_reaches_the_connection_string()
    {
        var builder = Parse(
            ("DB_NAME", "agents"), ("DB_HOST", "pg.internal"), ("DB_PORT", "6432"), ("DB_USER", "svc"),
            ("DB_PASSWORD", "p@ss; word"), ("DB_SSLMODE", "require"), ("DB_MAX_OPEN_CONNS", "40"),
            ("DB_MAX_IDLE_CONNS", "10"), ("DB_CONN_MAX_LIFETIME", "1h30m"));

        builder.Host.Should().Be("pg.internal");
        builder.Port.Should().Be(6432);
        builder.Username.Should().Be("svc");
        builder.Password.Should().Be("p@ss; word");
        builder.SslMode.Should().Be(SslMode.Require);
        builder.MaxPoolSize.Should().Be(40);
        builder.MinPoolSize.Should().Be(10);
        builder.ConnectionLifetime.Should().Be(5400);
    }

    [Fact]
    public void Connection_string_works_alone_and_db_variables_override_it()
    {
        var builder = Parse(
            ("ConnectionStrings:KubeAgents", "Host=a;Port=7000;Database=x;Maximum Pool Size=7"), ("DB_PORT", "7001"));

        builder.Host.Should().Be("a");
        builder.Port.Should().Be(7001);
        builder.Database.Should().Be("x");
        builder.MaxPoolSize.Should().Be(7, "defaults do not override an explicit connection string");
    }

    [Theory]
    [InlineData("DB_PORT", "abc")]
    [InlineData("DB_PORT", "70000")]
    [InlineData("DB_SSLMODE", "sometimes")]
    [InlineData("DB_MAX_OPEN_CONNS", "0")]
    [InlineData("DB_MAX_IDLE_CONNS", "-1")]
    [InlineData("DB_CONN_MAX_LIFETIME", "5 minutes")]
    [InlineData("DB_CONN_MAX_LIFETIME", "-5m")]
    public void Invalid_value_stops_start_up_naming_the_variable(string key, string value)
    {
        var act = () => DatabaseSettings.GetPostgresConnectionString(Config(("DB_NAME", "k"), (key, value)));

        act.Should().Throw<InvalidConfigurationException>().WithMessage($"{key}*");
    }

    [Fact]
    public void Idle_connections_cannot_exceed_open_connections_when_both_are_set()
    {
        var act = () => DatabaseSettings.GetPostgresConnectionString(Config(("DB_NAME", "k"), ("DB_MAX_OPEN_CONNS", "2"), ("DB_MAX_IDLE_CONNS", "3")));

        act.Should().Throw<InvalidConfigurationException>().WithMessage("DB_MAX_IDLE_CONNS (3) must not exceed DB_MAX_OPEN_CONNS (2)*");
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("2", 2)]
    [InlineData("5", 5)]
    [InlineData("40", 5)]
    public void Idle_connections_default_to_five_or_the_open_limit_when_lower(string maxOpen, int expectedIdle)
    {
        var builder = Parse(("DB_NAME", "k"), ("DB_MAX_OPEN_CONNS", maxOpen));

        builder.MaxPoolSize.Should().Be(int.Parse(maxOpen, System.Globalization.CultureInfo.InvariantCulture));
        builder.MinPoolSize.Should().Be(expectedIdle);
    }

    [Fact]
    public void Idle_connections_alone_may_be_lowered()
    {
        var builder = Parse(("DB_NAME", "k"), ("DB_MAX_IDLE_CONNS", "0"));

        builder.MinPoolSize.Should().Be(0);
        builder.MaxPoolSize.Should().Be(25);
    }

    [Fact]
    public void Idle_connections_over_the_default_open_limit_name_both_variables()
    {
        var act = () => DatabaseSettings.GetPostgresConnectionString(Config(("DB_NAME", "k"), ("DB_MAX_IDLE_CONNS", "30")));

        act.Should().Throw<InvalidConfigurationException>().WithMessage("DB_MAX_IDLE_CONNS (30) must not exceed DB_MAX_OPEN_CONNS (25, its default)*");
    }

    [Fact]
    public void Open_limit_below_the_connection_strings_minimum_names_both()
    {
        var act = () => DatabaseSettings.GetPostgresConnectionString(Config(
            ("ConnectionStrings:KubeAgents", "Host=db;Database=k;Minimum Pool Size=8"), ("DB_MAX_OPEN_CONNS", "4")));

        act.Should().Throw<InvalidConfigurationException>().WithMessage("*Minimum Pool Size (8)*DB_MAX_OPEN_CONNS (4)*");
    }
}
