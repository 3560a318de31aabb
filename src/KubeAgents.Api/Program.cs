using KubeAgents.Api;
using KubeAgents.Infrastructure.Configuration;

// The content root is the application's directory, not the working directory: the shipped
// appsettings.json (log levels included) applies however the service is started.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
try
{
    builder.AddApiServices();
}
catch (InvalidConfigurationException ex)
{
    await Console.Error.WriteLineAsync($"Invalid configuration: {ex.Message}");
    return 2;
}

var app = builder.Build();
app.UseApi();

try
{
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    app.Logger.LogCritical(ex, "KubeAgents stopped: {Reason}", ex.Message);
    return 1;
}
