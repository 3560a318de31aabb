using System.Net;
using System.Text;
using KubeAgents.Client;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests.Notifications;

/// <summary><c>/api/notification-routes</c>: the rules, the test button, and a URL that is a credential.</summary>
public sealed class RouteManagementTests : IAsyncLifetime
{
    private const string Token = "T0001/B0002/XyZsEcReTtOkEn9876";
    private const string Secret = "shh-route-secret-4242";
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [SkippableTheory]
    [BothStores]
    public async Task Urls_and_secrets_never_appear_in_answers_or_logs(StoreKind store)
    {
        await using var service = await RoutesService.StartAsync(store);
        var url = $"{_receiver.Url}/{Token}";
        var answers = new StringBuilder();
        var created = await service.AddRouteAsync("team chat", "json", url, Secret);
        answers.Append(created);
        created.Str("url").Should().Be("127.0.0.1…9876");
        created.GetProperty("has_secret").GetBoolean().Should().BeTrue();
        var id = created.Str("id");
        // A route that fails, so an error goes through the logs and the listing too.
        answers.Append(await service.AddRouteAsync("dead end", "slack", $"http://127.0.0.1:{ServiceProcess.FreePort()}/services/{Token}", Secret));

        await service.Client.ReportAsync("a", "t", "running", KubeAgentsApi.Epoch);
        await service.Client.ReportAsync("a", "t", "success", KubeAgentsApi.Epoch.AddSeconds(1));
        (await _receiver.WaitForAsync(1)).Single().Body.Should().NotContain(Secret);
        await Eventually.TrueAsync(
            async () => (await service.Client.GetAsync("/api/notifications")).Items("notifications").Any(n => n.TryGetProperty("last_error", out _)),
            "the dead end's first failure");

        answers.Append(await service.Client.GetAsync("/api/notification-routes"));
        answers.Append(await service.Client.GetAsync("/api/notifications"));
        answers.Append(await SendAsync(service, HttpMethod.Patch, $"/api/notification-routes/{id}", $$"""{"url":"{{url}}/v2","secret":"{{Secret}}2"}"""));
        answers.Append(await SendAsync(service, HttpMethod.Post, $"/api/notification-routes/{id}/test", null));
        answers.Append(await SendAsync(service, HttpMethod.Post, "/api/notification-routes", $$"""{"name":"team chat","channel":"json","url":"{{url}}"}"""));

        var everything = answers + string.Join('\n', service.Logs.Entries.Select(e => e.ToString() + e.Exception));
        service.Logs.Entries.Should().Contain(e => e.Message.Contains("attempt 1 of", StringComparison.Ordinal), "the failure is logged");
        everything.Should().NotContain("XyZsEcReTtOkEn").And.NotContain(Secret);
    }

    [SkippableTheory]
    [BothStores]
    public async Task Test_sends_a_sample_and_answers_with_the_receivers_status(StoreKind store)
    {
        await using var service = await RoutesService.StartAsync(store);
        var id = (await service.AddRouteAsync("chat", "slack", _receiver.Url)).Str("id");

        var ok = await SendAsync(service, HttpMethod.Post, $"/api/notification-routes/{id}/test", null);
        _receiver.Answer = _ => Task.FromResult(404);
        var refused = await SendAsync(service, HttpMethod.Post, $"/api/notification-routes/{id}/test", null);
        var missing = await service.Client.PostRawAsync($"/api/notification-routes/{Guid.NewGuid()}/test", string.Empty);

        ok.GetProperty("delivered").GetBoolean().Should().BeTrue();
        ok.GetProperty("status_code").GetInt32().Should().Be(200);
        ok.TryGetProperty("error", out _).Should().BeFalse();
        refused.GetProperty("delivered").GetBoolean().Should().BeFalse();
        refused.GetProperty("status_code").GetInt32().Should().Be(404);
        refused.Str("error").Should().Be("HTTP 404 Not Found");
        missing.Status.Should().Be(HttpStatusCode.NotFound);
        missing.Body.Str("error").Should().Be("not_found");
        (await _receiver.WaitForAsync(2)).First().Body.Should().Contain("test notification");
        (await service.Client.GetAsync("/api/notifications")).Items("notifications").Should().BeEmpty("a test is not an outbox row");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Invalid_routes_are_a_400_naming_the_field(StoreKind store)
    {
        await using var service = await RoutesService.StartAsync(store);
        await service.AddRouteAsync("taken", "teams", _receiver.Url);
        var cases = new (object Route, string Message)[]
        {
            (new { name = "", channel = "slack", url = _receiver.Url }, "name is required"),
            (new { name = "x", channel = "email", url = _receiver.Url }, "channel must be one of: slack, discord, teams, lark, json"),
            (new { name = "x", channel = "slack", url = "ftp://host/x" }, "url must be an absolute http(s) URL"),
            (new { name = "x", channel = "slack", url = _receiver.Url, events = new[] { "started" } }, "events must name one or more of: finished, failed, silent"),
            (new { name = "x", channel = "slack", url = _receiver.Url, events = Array.Empty<string>() }, "events must name one or more of"),
            (new { name = "x", channel = "slack", url = _receiver.Url, agent_filter = new string('*', 501) }, "agent_filter must be a glob"),
            (new { name = "taken", channel = "slack", url = _receiver.Url }, "name 'taken' is already used by another route"),
        };
        foreach (var (route, message) in cases)
        {
            var (status, body) = await service.AddRouteRawAsync(route);
            status.Should().Be(HttpStatusCode.BadRequest, message);
            body.Str("error").Should().Be("bad_request");
            body.Str("message").Should().StartWith(message);
        }

        (await service.Client.GetAsync("/api/notification-routes")).Items("routes").Should().ContainSingle();
    }

    [SkippableTheory]
    [BothStores]
    public async Task Routes_are_managed_through_the_generated_client(StoreKind store)
    {
        await using var service = await RoutesService.StartAsync(store);
        var routes = new NotificationRoutesClient(service.Admin);

        var created = await routes.CreateAsync(new CreateRouteCommand
        {
            Name = "ops",
            Channel = "discord",
            Url = _receiver.Url,
            AgentFilter = "ci-*",
            Events = ["failed", "silent"],
        });
        var changed = await routes.UpdateAsync(created.Id, new UpdateRouteCommand { Name = "ops-2", AgentFilter = string.Empty });
        var tested = await routes.TestAsync(created.Id);
        var listed = await routes.ListAsync();
        var deleted = await routes.DeleteAsync(created.Id);

        created.Url.Should().EndWith(_receiver.Url[^4..]).And.NotContain("/hook");
        created.Events.Should().Equal("failed", "silent");
        changed.Name.Should().Be("ops-2");
        changed.AgentFilter.Should().BeNull();
        tested.Delivered.Should().BeTrue();
        listed.Routes.Should().ContainSingle().Which.Name.Should().Be("ops-2");
        deleted.Id.Should().Be(created.Id);
        (await routes.ListAsync()).Routes.Should().BeEmpty();
        var missing = await FluentActions.Awaiting(() => routes.DeleteAsync(created.Id)).Should().ThrowAsync<KubeAgentsApiException<ErrorResponse>>();
        missing.Which.StatusCode.Should().Be(404);
    }

    private static async Task<System.Text.Json.JsonElement> SendAsync(RoutesService service, HttpMethod method, string path, string? json)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await service.Admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return System.Text.Json.JsonDocument.Parse(text).RootElement.Clone();
    }
}
