using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Common.Settings;
using KubeAgents.Infrastructure;
using KubeAgents.Infrastructure.Persistence;
using Mediator;
using Microsoft.Extensions.Options;

namespace KubeAgents.Api.Startup;

/// <summary>
/// The one way the service's command line (<c>keys</c>, <c>routes</c>) runs a command against the
/// configured store, with no server: the service's settings and store (chosen by
/// <see cref="Stores.Select"/>, and only one that outlives the process), quiet logging, the schema
/// brought up to date, the work sent through the mediator. A failure is one line on stderr, never a
/// stack trace, with an exit code a script can act on: 2 when the request or the settings are wrong
/// (a retry will not help), 1 when it failed (not found, the store unreachable or broken).
/// </summary>
internal static class StoreCommandHost
{
    /// <param name="verb">The command line's verb (<c>keys</c>), for messages.</param>
    /// <param name="command">The verb's command (<c>list</c>), for messages.</param>
    public static async Task<int> RunAsync(string verb, string command, Func<ISender, Task<int>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        WebApplication app;
        try
        {
            var store = Stores.Select(builder.Configuration);
            if (!store.IsDurable(builder.Configuration))
            {
                throw new InvalidConfigurationException(
                    $"the {verb} command needs the service's store: set {Stores.DurableChoices()}; the in-memory store lives only inside a running service.");
            }

            builder.AddApiServices();
            UseQuietLogging(builder.Logging);
            app = builder.Build();
        }
        catch (Exception ex)
        {
            return await FailAsync($"{verb} {command}", ex, describe: null).ConfigureAwait(false);
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.Services.MigrateStoreAsync(CancellationToken.None).ConfigureAwait(false);
                await using var scope = app.Services.CreateAsyncScope();
                return await work(scope.ServiceProvider.GetRequiredService<ISender>()).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                return await FailAsync($"{verb} {command}", ex, app.Services.GetRequiredService<IStoreFailureClassifier>()).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Errors only, on stderr: the command's own line says what went wrong, and a store it waits for is
    /// not worth a line a try. Replaces every level the service's configuration sets (appsettings.json's
    /// categories, <c>Logging__LogLevel__*</c>), so no setting makes the command chatty.
    /// </summary>
    private static void UseQuietLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.Services.PostConfigure<LoggerFilterOptions>(filters =>
        {
            filters.Rules.Clear();
            filters.MinLevel = LogLevel.Error;
        });
    }

    private static async Task<int> FailAsync(string command, Exception failure, IStoreFailureClassifier? describe)
    {
        var (code, line) = failure switch
        {
            InvalidConfigurationException or OptionsValidationException => (2, $"Invalid configuration: {failure.Message}"),
            RequestValidationException => (2, failure.Message),
            NotFoundException => (1, failure.Message),
            StoreUnavailableException => (1, $"{command} failed: {failure.Message}"), // already names the store, the timeout and the cause
            _ => (1, $"{command} failed: {describe?.Describe(failure) ?? failure.Message}"),
        };
        await Console.Error.WriteLineAsync(line.ReplaceLineEndings(" ")).ConfigureAwait(false);
        return code;
    }
}
