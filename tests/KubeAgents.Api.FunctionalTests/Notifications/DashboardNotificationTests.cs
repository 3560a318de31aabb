using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests.Notifications;

/// <summary>The dashboard's notification partials: a session's notifications with route and state; the routes, for an admin only.</summary>
public sealed class DashboardNotificationTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [SkippableTheory]
    [BothStores]
    public async Task A_session_page_lists_its_notifications_and_only_an_admin_sees_the_routes(StoreKind store)
    {
        await using var service = await RoutesService.StartAsync(store);
        await service.AddRouteAsync("team <chat>", "discord", $"{_receiver.Url}/secretTOKEN1234");
        await service.Client.ReportAsync("dash", "ship it", "running", KubeAgentsApi.Epoch);
        await service.Client.ReportAsync("dash", "ship it", "success", KubeAgentsApi.Epoch.AddSeconds(5));
        await _receiver.WaitForAsync(1);
        await Eventually.TrueAsync(
            async () => (await service.Client.GetAsync("/api/notifications?state=delivered")).Items("notifications").Length == 1, "the delivery to be saved");
        using var created = await service.Admin.PostAsJsonAsync("/api/keys", new { name = "viewer", scopes = new[] { "read" } });
        var readKey = (await created.Content.ReadFromJsonAsync<JsonElement>()).Str("key");

        using var admin = Browser(service, service.Admin.DefaultRequestHeaders.Authorization!.Parameter!);
        using var reader = Browser(service, readKey);
        var session = await reader.GetStringAsync(WireClient.Path("agents", "dash", "sessions", "ship it"));
        var adminHome = WebUtility.HtmlDecode(await admin.GetStringAsync("/"));
        var readerHome = await reader.GetStringAsync("/");

        session.Should().Contain("<h2 id=\"notifications-title\">Notifications</h2>")
            .And.Contain("session.finished").And.Contain("team &lt;chat&gt;").And.Contain("<td class=\"state\" data-label=\"State\">delivered</td>");
        adminHome.Should().Contain("Notification routes").And.Contain("127.0.0.1…1234").And.NotContain("secretTOKEN");
        readerHome.Should().NotContain("Notification routes");
    }

    private static HttpClient Browser(RoutesService service, string key)
    {
        var http = service.Api.CreateUncheckedClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }
}
