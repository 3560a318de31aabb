using System.Text.Json;
using KubeAgents.Application.Common.Settings;

namespace KubeAgents.Api.Configuration;

/// <summary>
/// <c>LOG_FORMAT</c>: <c>text</c> (the default, human-readable console lines) or <c>json</c> (one
/// JSON object per line, with scopes so each request's trace id is there, and UTC timestamps) for a
/// log collector.
/// </summary>
internal sealed class LogOptions : IServiceSettings
{
    public const string FormatKey = "LOG_FORMAT";

    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    public bool Json { get; set; }

    public void Read(IConfiguration configuration) =>
        Json = configuration.GetChoiceSetting(FormatKey, false, "text or json", ("text", false), ("json", true));

    /// <summary>Read at once: the console formatter is chosen before the host is built.</summary>
    public static void Configure(WebApplicationBuilder builder)
    {
        var settings = builder.Services.AddSettings<LogOptions>(builder.Configuration);
        // The host logs a failed start (event 11, with its stack trace) before Program sees it; Program
        // writes one line for the failures an operator can fix and keeps the trace of any other. A
        // failing background service still shows: the host logs it again as Critical, exception included.
        builder.Logging.AddFilter(HostCategory, LogLevel.Critical);
        if (!settings.Json)
        {
            return;
        }

        builder.Logging.AddJsonConsole(options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            options.JsonWriterOptions = new JsonWriterOptions { Indented = false };
        });
    }
}
