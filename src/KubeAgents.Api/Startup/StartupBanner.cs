using KubeAgents.Api.Authentication;
using KubeAgents.Infrastructure.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Npgsql;

namespace KubeAgents.Api.Startup;

/// <summary>
/// The first lines of a start: which store and which access mode, before anything else runs; once
/// the server listens, where the dashboard, the API and the docs are.
/// </summary>
internal static partial class StartupBanner
{
    public static void Log(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KubeAgents");
        LogStore(logger, DescribeStore(app.Configuration));
        LogAuth(logger, app.Configuration.ReadSettings<AuthOptions>().Mode == AuthMode.Keys
            ? "keys (every endpoint but /health and /health/ready needs an API key)"
            : "open (whoever reaches the port may report and read; AUTH_MODE=keys requires API keys)");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            if (addresses?.FirstOrDefault() is { } address)
            {
                var root = BrowsableRoot(address);
                LogUrls(logger, $"{root}/", $"{root}/api/agents", $"{root}/swagger");
            }
        });
    }

    /// <summary>Embedded in memory, the <c>DB_FILE</c> path, or PostgreSQL's host:port/database (never the password).</summary>
    public static string DescribeStore(IConfiguration configuration)
    {
        if (DatabaseSettings.GetPostgresConnectionString(configuration) is { } connectionString)
        {
            var postgres = new NpgsqlConnectionStringBuilder(connectionString);
            return $"PostgreSQL {postgres.Host}:{postgres.Port}/{postgres.Database}";
        }

        return DatabaseSettings.GetSqliteFile(configuration) is { } file
            ? $"embedded SQLite file {Path.GetFullPath(file)} (DB_FILE)"
            : "embedded SQLite in memory (data lives and dies with the process; DB_FILE or DB_NAME keeps it)";
    }

    /// <summary><c>http://[::]:8080</c> or <c>http://*:8080</c> is where it listens; <c>http://localhost:8080</c> is what a browser opens.</summary>
    public static string BrowsableRoot(string address)
    {
        var uri = new UriBuilder(address.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "[::]" or "::" or "0.0.0.0")
        {
            uri.Host = "localhost";
        }

        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Store: {Store}")]
    private static partial void LogStore(ILogger logger, string store);

    [LoggerMessage(Level = LogLevel.Information, Message = "Access: {Mode}")]
    private static partial void LogAuth(ILogger logger, string mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dashboard: {Dashboard}  API: {Api}  Docs: {Docs}")]
    private static partial void LogUrls(ILogger logger, string dashboard, string api, string docs);
}
