using System.Net;
using KubeAgents.TestSupport;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Reports;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Api.FunctionalTests;

public class ErrorHandlingTests
{
    [Fact]
    public async Task Unexpected_failure_is_a_500_without_internals()
    {
        await using var api = await KubeAgentsApi.StartAsync(
            StoreKind.Sqlite,
            configureServices: services => services.AddSingleton<IReportWriter, FailingWriter>());
        var client = api.CreateWireClient();

        var (status, body) = await client.ReportRawAsync(new
        {
            agent_id = "a",
            session_topic = "t",
            status = "running",
            timestamp = "2026-11-27T10:00:00Z",
        });

        status.Should().Be(HttpStatusCode.InternalServerError);
        body.ToString().Should().Be("""{"error":"internal_error","message":"internal server error"}""");
    }

    [Fact]
    public async Task Cors_star_allows_any_origin_without_credentials()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Sqlite);
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/agents");
        request.Headers.Add("Origin", "https://ui.example.com");
        request.Headers.Add("Access-Control-Request-Method", "GET");

        using var response = await api.CreateClient().SendAsync(request);

        response.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal("*");
        response.Headers.Contains("Access-Control-Allow-Credentials").Should().BeFalse();
    }

    [Fact]
    public async Task Cors_list_echoes_a_listed_origin_and_ignores_others()
    {
        await using var api = await KubeAgentsApi.StartAsync(
            StoreKind.Sqlite,
            new Dictionary<string, string?> { ["CORS_ALLOWED_ORIGINS"] = "https://ui.example.com,http://localhost:3000" });
        var client = api.CreateClient();

        using var listed = new HttpRequestMessage(HttpMethod.Get, "/health");
        listed.Headers.Add("Origin", "http://localhost:3000");
        using var listedResponse = await client.SendAsync(listed);
        listedResponse.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal("http://localhost:3000");

        using var other = new HttpRequestMessage(HttpMethod.Get, "/health");
        other.Headers.Add("Origin", "https://evil.example.com");
        using var otherResponse = await client.SendAsync(other);
        otherResponse.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
    }

    private sealed class FailingWriter : IReportWriter
    {
        public Task WriteAsync(IncomingReport report, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("secret internal detail at /srv/app");
    }
}
