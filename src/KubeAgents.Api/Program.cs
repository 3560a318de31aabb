using KubeAgents.Api;
using KubeAgents.Api.Authentication;
using KubeAgents.Api.Notifications;
using KubeAgents.Api.Startup;
using KubeAgents.Infrastructure;
using Microsoft.Extensions.Options;

if (Usage.IsRequested(args))
{
    await Console.Out.WriteLineAsync(Usage.Text);
    return 0;
}

if (args is [KeysCommand.Verb, .. var keyArgs])
{
    return await KeysCommand.RunAsync(keyArgs);
}

if (args is [RoutesCommand.Verb, .. var routeArgs])
{
    return await RoutesCommand.RunAsync(routeArgs);
}

// The content root is the application's directory, not the working directory: the shipped
// appsettings.json (log levels included) applies however the service is started. Settings are read
// once, at start (docs/configuration.md): no file watcher on appsettings.json, whose set-up cost a
// start ~18 ms. First, so that a --hostBuilder:reloadConfigOnChange=true given to the service wins.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = ["--hostBuilder:reloadConfigOnChange=false", .. args],
    ContentRootPath = AppContext.BaseDirectory,
});
var classify = StartupFailure.Classifier(builder.Services);
try
{
    builder.AddApiServices();
}
catch (Exception ex) when (classify(ex) is { } failure)
{
    return await RefuseAsync(failure);
}

var app = builder.Build();
try
{
    ControllerDiscovery.Begin(app.Services);
    // Every setting is checked before anything starts (the host would check them too, with a trace).
    app.Services.GetService<IStartupValidator>()?.Validate();
    StartupBanner.Log(app);
    // The schema is brought up to date on one core while the pipeline is built on the other; the host's
    // first hosted service waits for it, so nothing listens before the store is ready.
    app.Services.BeginStoreMigration();
    app.UseApi();
    await HostRun.RunAsync(app);
    return 0;
}
catch (Exception ex) when (classify(ex) is { } failure)
{
    return await RefuseAsync(failure);
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    app.Logger.LogCritical(ex, "KubeAgents stopped: {Reason}", ex.Message);
    return 1;
}

static async Task<int> RefuseAsync(StartupFailure failure)
{
    await Console.Error.WriteLineAsync(failure.Line);
    return failure.ExitCode;
}
