using System.Net;
using KubeAgents.Api.Configuration;
using KubeAgents.Application.Common.Settings;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace KubeAgents.Api.Startup;

/// <summary>
/// A start-up failure an operator can fix, as one line on stderr and an exit code: 2 for a setting
/// with a value the service cannot run with, 1 for the world around it (the port is taken, the
/// database never answered). No stack trace: the line says what to change. Anything else is a bug
/// and keeps its trace.
/// </summary>
internal sealed record StartupFailure(string Line, int ExitCode)
{
    public const int InvalidSettings = 2;
    public const int Unavailable = 1;

    /// <summary>
    /// Classifies with the settings <paramref name="services"/> was given: their one reading (a plain
    /// object) outlives the configuration, which the host disposes when it fails to start.
    /// </summary>
    public static Func<Exception, StartupFailure?> Classifier(IServiceCollection services) =>
        exception => From(exception, PortInUse(services.FindSettings<ApiOptions>()));

    private static StartupFailure? From(Exception exception, string portInUse) => exception switch
    {
        InvalidConfigurationException or OptionsValidationException =>
            new($"Invalid configuration: {exception.Message}", InvalidSettings),
        AggregateException { InnerExceptions: [var first, ..] } => From(first, portInUse),
        StoreUnavailableException => new($"KubeAgents stopped: {exception.Message}", Unavailable),
        IOException { InnerException: AddressInUseException } => new(portInUse, Unavailable),
        _ => null,
    };

    /// <param name="settings">null when <c>PORT</c> itself was refused: that is the failure start-up reports.</param>
    private static string PortInUse(ApiOptions? settings)
    {
        if (settings is null)
        {
            return "KubeAgents stopped: the port is already in use by another process; set PORT to a free port.";
        }

        if (settings.AspNetUrls)
        {
            return "KubeAgents stopped: an address in --urls/ASPNETCORE_URLS is already in use by another process; choose a free port with PORT (e.g. PORT=8081).";
        }

        var taken = settings.Port ?? ApiOptions.DefaultPort;
        var suggestion = taken == IPEndPoint.MaxPort ? taken - 1 : taken + 1;
        return $"KubeAgents stopped: port {taken} is already in use by another process; set PORT to a free port (e.g. PORT={suggestion}).";
    }
}
