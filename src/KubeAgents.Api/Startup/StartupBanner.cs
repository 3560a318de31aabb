using KubeAgents.Api.Authentication;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

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
        LogStore(logger, app.Services.GetRequiredService<StoreDefinition>().Describe(app.Configuration));
        LogAuth(logger, app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Mode == AuthMode.Keys
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
