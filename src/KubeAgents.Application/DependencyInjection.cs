using FluentValidation;
using KubeAgents.Application.Events;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Application;

public static class DependencyInjection
{
    /// <summary>Validators of this layer, and its in-process signals. Handlers and pipeline behaviors are registered by the Api's <c>AddMediator</c> call, where the source generator runs.</summary>
    public static IServiceCollection AddApplicationServices(this IServiceCollection services)
    {
        services.AddValidatorsFromAssembly(typeof(DependencyInjection).Assembly, ServiceLifetime.Singleton);
        services.AddSingleton<ApiKeyRevocations>();
        return services;
    }
}
