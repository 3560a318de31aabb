using System.Diagnostics;

namespace KubeAgents.Application.Common.Diagnostics;

/// <summary>
/// The service's own spans (a mediator request, a write batch, a SQLite command), on one
/// <see cref="ActivitySource"/>. Without a listener (no OTLP endpoint configured) starting a span
/// returns null and costs next to nothing.
/// </summary>
public static class KubeAgentsActivitySource
{
    public const string Name = "KubeAgents";

    public static readonly ActivitySource Instance = new(Name);
}
