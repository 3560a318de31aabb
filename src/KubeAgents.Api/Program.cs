using KubeAgents.Api;
using KubeAgents.Api.Authentication;
using KubeAgents.Api.Notifications;
using KubeAgents.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

if (args is [KeysCommand.Verb, .. var keyArgs])
{
    return await KeysCommand.RunAsync(keyArgs);
}

if (args is [RoutesCommand.Verb, .. var routeArgs])
{
    return await RoutesCommand.RunAsync(routeArgs);
}

// The content root is the application's directory, not the working directory: the shipped
// appsettings.json (log levels included) applies however the service is started.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
try
{
    builder.AddApiServices();
}
catch (InvalidConfigurationException ex)
{
    return await RefuseAsync(ex);
}

var app = builder.Build();
app.UseApi();

try
{
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is InvalidConfigurationException or OptionsValidationException)
{
    // Settings read when the host starts (ValidateOnStart) fail here, before anything listens.
    return await RefuseAsync(ex);
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    app.Logger.LogCritical(ex, "KubeAgents stopped: {Reason}", ex.Message);
    return 1;
}

static async Task<int> RefuseAsync(Exception invalid)
{
    await Console.Error.WriteLineAsync($"Invalid configuration: {invalid.Message}");
    return 2;
}
