using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Infrastructure;
using KubeAgents.Infrastructure.Configuration;
using Mediator;
using Microsoft.Extensions.Options;

namespace KubeAgents.Api.Notifications;

/// <summary>
/// Runs one command of the service's command line against the configured store, with no server:
/// builds the service (settings, store), brings the schema up to date, sends the work through the
/// mediator, and maps failures to exit codes (1 not found, 2 usage or configuration).
/// </summary>
internal static class StoreCommandHost
{
    public static async Task<int> RunAsync(string verb, Func<ISender, IServiceProvider, Task<int>> work)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        WebApplication app;
        try
        {
            if (DatabaseSettings.GetPostgresConnectionString(builder.Configuration) is null && DatabaseSettings.GetSqliteFile(builder.Configuration) is null)
            {
                throw new InvalidConfigurationException(
                    $"the {verb} command needs the service's store: set {DatabaseSettings.NameKey} (PostgreSQL) or {DatabaseSettings.FileKey} (the embedded store on a file); the in-memory store lives only inside a running service.");
            }

            builder.AddApiServices();
            builder.Logging.ClearProviders();
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            app = builder.Build();
        }
        catch (InvalidConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"Invalid configuration: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.Services.MigrateStoreAsync(CancellationToken.None).ConfigureAwait(false);
                await using var scope = app.Services.CreateAsyncScope();
                return await work(scope.ServiceProvider.GetRequiredService<ISender>(), scope.ServiceProvider).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidConfigurationException or OptionsValidationException)
            {
                await Console.Error.WriteLineAsync($"Invalid configuration: {ex.Message}").ConfigureAwait(false);
                return 2;
            }
            catch (RequestValidationException invalid)
            {
                await Console.Error.WriteLineAsync(invalid.Message).ConfigureAwait(false);
                return 2;
            }
            catch (NotFoundException notFound)
            {
                await Console.Error.WriteLineAsync(notFound.Message).ConfigureAwait(false);
                return 1;
            }
        }
    }
}
