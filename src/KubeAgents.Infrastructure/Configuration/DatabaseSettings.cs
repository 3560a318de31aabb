using System.Data.Common;
using KubeAgents.Application.Common.Settings;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace KubeAgents.Infrastructure.Configuration;

/// <summary>
/// Chooses the store. PostgreSQL when <c>DB_NAME</c> or <c>ConnectionStrings:KubeAgents</c> is set,
/// else the embedded SQLite store (in memory, or the file <c>DB_FILE</c> names). <c>DB_*</c> variables build (or, when set, override parts of) the
/// connection string, with the original service's defaults.
/// </summary>
public static class DatabaseSettings
{
    public const string ConnectionStringName = "KubeAgents";

    /// <summary>The SQLite file of the embedded store; unset: a database that lives and dies with the process.</summary>
    public const string FileKey = "DB_FILE";

    /// <summary>The PostgreSQL database; set, it selects PostgreSQL.</summary>
    public const string NameKey = "DB_NAME";
    public const string HostKey = "DB_HOST";
    public const string PortKey = "DB_PORT";
    public const string UserKey = "DB_USER";
    public const string PasswordKey = "DB_PASSWORD";
    public const string SslModeKey = "DB_SSLMODE";
    public const string MaxOpenKey = "DB_MAX_OPEN_CONNS";
    public const string MaxIdleKey = "DB_MAX_IDLE_CONNS";

    /// <summary>Go duration syntax, as the original service read it.</summary>
    public const string LifetimeKey = "DB_CONN_MAX_LIFETIME";

    /// <summary>The <c>DB_FILE</c> path, or null. Set together with PostgreSQL's settings, it is an error naming both.</summary>
    public static string? GetSqliteFile(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var file = configuration.GetSetting(FileKey);
        if (file is not null && (configuration.GetSetting(NameKey) is not null || !string.IsNullOrWhiteSpace(configuration.GetConnectionString(ConnectionStringName))))
        {
            throw new InvalidConfigurationException(
                $"DB_FILE and DB_NAME (or ConnectionStrings:{ConnectionStringName}) are both set: DB_FILE selects the embedded SQLite store, DB_NAME selects PostgreSQL; set one.");
        }

        return file;
    }

    /// <returns>The Npgsql connection string, or null for the embedded store.</returns>
    public static string? GetPostgresConnectionString(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var explicitConnectionString = configuration.GetConnectionString(ConnectionStringName);
        var hasBase = !string.IsNullOrWhiteSpace(explicitConnectionString);
        if (!hasBase && configuration.GetSetting(NameKey) is null)
        {
            return null;
        }

        var builder = ParseConnectionString(explicitConnectionString);
        ApplyServerSettings(configuration, builder, hasBase);
        ApplyPoolSizes(configuration, builder, hasBase);
        ApplyLifetime(configuration, builder, hasBase);
        ApplyStatementReuse(explicitConnectionString, builder);
        if (string.IsNullOrEmpty(builder.Database))
        {
            throw new InvalidConfigurationException($"ConnectionStrings:{ConnectionStringName} names no database; set Database= or {NameKey}.");
        }

        return builder.ConnectionString;
    }

    private static NpgsqlConnectionStringBuilder ParseConnectionString(string? connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString ?? string.Empty);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidConfigurationException($"ConnectionStrings:{ConnectionStringName} is not a valid PostgreSQL connection string: {ex.Message}", ex);
        }
    }

    /// <summary>Where to connect and as whom. A setting applies when present; its default only when no connection string was given.</summary>
    private static void ApplyServerSettings(IConfiguration configuration, NpgsqlConnectionStringBuilder builder, bool hasBase)
    {
        string? Setting(string key, string? fallback) => configuration.GetSetting(key) ?? (hasBase ? null : fallback);

        if (Setting(HostKey, "localhost") is { } host)
        {
            builder.Host = host;
        }

        if (Setting(PortKey, "5432") is { } port)
        {
            builder.Port = SettingsReader.ParseInt32(PortKey, port, 1, 65535);
        }

        if (configuration.GetSetting(UserKey) is { } user)
        {
            builder.Username = user;
        }

        if (configuration[PasswordKey] is { Length: > 0 } password)
        {
            builder.Password = password;
        }

        if (configuration.GetSetting(NameKey) is { } databaseName)
        {
            builder.Database = databaseName;
        }

        if (Setting(SslModeKey, "disable") is { } sslMode)
        {
            builder.SslMode = ParseSslMode(sslMode);
        }
    }

    private static void ApplyLifetime(IConfiguration configuration, NpgsqlConnectionStringBuilder builder, bool hasBase)
    {
        if (configuration.GetSetting(LifetimeKey) is not null || !hasBase)
        {
            var lifetime = configuration.GetDurationSetting(LifetimeKey, TimeSpan.FromMinutes(5));
            // Npgsql counts whole seconds and treats 0 as "no limit", as Go's 0 does.
            builder.ConnectionLifetime = (int)Math.Ceiling(Math.Min(lifetime.TotalSeconds, int.MaxValue));
        }
    }

    /// <summary>
    /// A report runs the same few statements every time. Npgsql prepares them on each connection
    /// once they repeat, so PostgreSQL stops parsing and planning them; a pooled connection is then
    /// reused without the DISCARD ALL that would throw them away (the service keeps no other
    /// session state: its one advisory lock is released before the connection goes back).
    /// Measured on 2 cores, with EF's per-report savepoint dropped: ~500 -> ~850 reports/s.
    /// An explicit connection string's own values win.
    /// </summary>
    private static void ApplyStatementReuse(string? explicitConnectionString, NpgsqlConnectionStringBuilder builder)
    {
        if (!Mentions(explicitConnectionString, "Max Auto Prepare", "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 32;
        }

        if (!Mentions(explicitConnectionString, "No Reset On Close", "NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }
    }

    /// <summary>
    /// <c>DB_MAX_OPEN_CONNS</c> (default 25) and <c>DB_MAX_IDLE_CONNS</c> (default 5, or the open limit
    /// when lower, so <c>DB_MAX_OPEN_CONNS=2</c> alone starts). Idle above open is an error only when
    /// someone asked for it, and the message names where each number came from.
    /// </summary>
    private static void ApplyPoolSizes(IConfiguration configuration, NpgsqlConnectionStringBuilder builder, bool hasBase)
    {
        var maxOpen = configuration.GetSetting(MaxOpenKey);
        var maxIdle = configuration.GetSetting(MaxIdleKey);
        if (maxOpen is not null || !hasBase)
        {
            builder.MaxPoolSize = SettingsReader.ParseInt32(MaxOpenKey, maxOpen ?? "25", 1, 1000);
        }

        if (maxIdle is not null)
        {
            builder.MinPoolSize = SettingsReader.ParseInt32(MaxIdleKey, maxIdle, 0, 1000);
        }
        else if (!hasBase)
        {
            builder.MinPoolSize = Math.Min(5, builder.MaxPoolSize);
        }

        if (builder.MinPoolSize > builder.MaxPoolSize)
        {
            var idleSource = maxIdle is not null ? MaxIdleKey : "the connection string's Minimum Pool Size";
            var openSource = maxOpen is not null || !hasBase ? MaxOpenKey : "the connection string's Maximum Pool Size";
            var openDefault = maxOpen is null && !hasBase ? ", its default" : string.Empty;
            throw new InvalidConfigurationException(
                $"{idleSource} ({builder.MinPoolSize}) must not exceed {openSource} ({builder.MaxPoolSize}{openDefault}).");
        }
    }

    private static bool Mentions(string? connectionString, params string[] keywords)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return false;
        }

        var parsed = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return keywords.Any(parsed.ContainsKey);
    }

    private static SslMode ParseSslMode(string value) => value.ToUpperInvariant() switch
    {
        "DISABLE" => SslMode.Disable,
        "ALLOW" => SslMode.Allow,
        "PREFER" => SslMode.Prefer,
        "REQUIRE" => SslMode.Require,
        "VERIFY-CA" => SslMode.VerifyCA,
        "VERIFY-FULL" => SslMode.VerifyFull,
        _ => throw new InvalidConfigurationException(
            $"{SslModeKey} must be one of disable, allow, prefer, require, verify-ca, verify-full, got '{value}'."),
    };
}
