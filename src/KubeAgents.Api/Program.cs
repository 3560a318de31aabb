using KubeAgents.Api.Configuration;
using KubeAgents.Api.Errors;
using KubeAgents.Api.Json;
using KubeAgents.Api.OpenApi;
using KubeAgents.Api.Routing;
using KubeAgents.Application;
using KubeAgents.Application.Common.Behaviors;
using KubeAgents.Application.Reports.Commands.ReportStatus;
using KubeAgents.Infrastructure;
using KubeAgents.Infrastructure.Configuration;
using Microsoft.AspNetCore.Mvc;

// The content root is the application's directory, not the working directory: the shipped
// appsettings.json (log levels included) applies however the service is started.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
try
{
    ApiSettings.ConfigureListening(builder);
    ApiSettings.AddCors(builder.Services, builder.Configuration);
    builder.Services.AddApplicationServices();
    builder.Services.AddInfrastructureServices(builder.Configuration);
}
catch (InvalidConfigurationException ex)
{
    await Console.Error.WriteLineAsync($"Invalid configuration: {ex.Message}");
    return 2;
}

builder.Services.AddMediator(options =>
{
    // Handlers take the scoped DbContext.
    options.ServiceLifetime = ServiceLifetime.Scoped;
    options.Assemblies = [typeof(ReportStatusCommand)];
    options.PipelineBehaviors = [typeof(ValidationBehavior<,>)];
});

builder.Services
    // Validation is FluentValidation's (one pipeline behavior); DataAnnotations only document the contract.
    .AddControllers(options => options.ModelValidatorProviders.Clear())
    .AddJsonOptions(options => JsonSetup.Configure(options.JsonSerializerOptions))
    .ConfigureApiBehaviorOptions(options => options.InvalidModelStateResponseFactory = InvalidRequestResponse.Create);
builder.Services.ConfigureHttpJsonOptions(options => JsonSetup.Configure(options.SerializerOptions));
builder.Services.AddKubeAgentsOpenApi();
builder.Services.AddExceptionHandler<ApiExceptionHandler>();
builder.Services.AddProblemDetails();
builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));

var app = builder.Build();

app.UseExceptionHandler();
app.UseDotSegmentGuard();
app.UseQueryTextGuard();
app.UseStatusCodePages(async context =>
{
    // Unknown routes and wrong methods answer in the contract's shape too.
    var response = context.HttpContext.Response;
    var body = response.StatusCode switch
    {
        StatusCodes.Status404NotFound => new ErrorResponse(ErrorResponse.NotFound, "no such endpoint"),
        StatusCodes.Status405MethodNotAllowed => new ErrorResponse(ErrorResponse.MethodNotAllowed, "method not allowed"),
        _ => new ErrorResponse(ErrorResponse.BadRequest, "bad request"),
    };
    await response.WriteAsJsonAsync(body);
});
app.UseCors();
app.UseKubeAgentsOpenApi();
app.MapControllers();

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
