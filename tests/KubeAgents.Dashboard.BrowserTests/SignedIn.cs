using System.Net;
using System.Text.Json;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.TestSupport;
using OpenQA.Selenium;

namespace KubeAgents.Dashboard.BrowserTests;

/// <summary>
/// A service with <c>AUTH_MODE=keys</c> whose admin sees the routes on <c>/</c>: one notification route to
/// a real receiver, and a finished session (<see cref="SessionPath"/>) whose notification was delivered
/// through it, so its page lists one. The browser signs in through <c>/login</c> like a person.
/// </summary>
public sealed class SignedIn : IAsyncDisposable
{
    public const string SessionPath = "/agents/ship/sessions/release%201.2";

    private SignedIn(KubeAgentsApi api, WebhookReceiver receiver)
    {
        Api = api;
        Receiver = receiver;
    }

    public KubeAgentsApi Api { get; }

    public WebhookReceiver Receiver { get; }

    /// <summary>The key holding report, read and admin.</summary>
    public string AdminKey => Api.Key!;

    public static async Task<SignedIn> StartAsync()
    {
        var receiver = await WebhookReceiver.StartAsync();
        var api = await KubeAgentsApi.StartWithKeyAsync(StoreKind.Sqlite, new Dictionary<string, string?> { ["SESSION_SWEEP_INTERVAL_SECONDS"] = "86400" }, StrictPages.Add);
        var client = api.CreateWireClient();
        var (status, route) = await client.PostRawAsync("/api/notification-routes", $$"""{"name":"team chat","channel":"json","url":"{{receiver.Url}}/hook"}""");
        status.Should().Be(HttpStatusCode.Created, route.ToString());
        var now = api.Clock.GetUtcNow();
        await client.ReportAsync("ship", "release 1.2", "running", now, agentName: "Shipper");
        await client.ReportAsync("ship", "release 1.2", "success", now.AddSeconds(30), message: "released");
        await receiver.WaitForAsync(1);
        await Eventually.TrueAsync(
            async () => (await client.GetAsync("/api/notifications?state=delivered")).Items("notifications").Length == 1, "the delivery to be saved");
        return new SignedIn(api, receiver);
    }

    /// <summary>A new key with the given scopes (its secret).</summary>
    public async Task<string> CreateKeyAsync(string name, params string[] scopes)
    {
        var (status, body) = await Api.CreateWireClient().PostRawAsync("/api/keys", JsonSerializer.Serialize(new { name, scopes }));
        status.Should().Be(HttpStatusCode.Created, body.ToString());
        return body.Str("key");
    }

    /// <summary>Revokes a key by its prefix, as an operator would.</summary>
    public async Task RevokeAsync(string key)
    {
        ApiKeySecret.TryGetPrefix(key, out var prefix).Should().BeTrue();
        using var http = Api.CreateUncheckedClient();
        using var response = await http.DeleteAsync($"/api/keys/{prefix}");
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Types <paramref name="key"/> into <c>/login</c> and submits it.</summary>
    public void SubmitLogin(Browser browser, string key)
    {
        ArgumentNullException.ThrowIfNull(browser);
        browser.Driver.Navigate().GoToUrl(GlanceTests.Url(Api, "/login"));
        browser.Driver.FindElement(By.Name("key")).SendKeys(key);
        browser.Driver.FindElement(By.CssSelector("form.login button[type=submit]")).Click();
    }

    /// <summary>Signs in with <paramref name="key"/> (the admin key by default) and waits for the home page.</summary>
    public async Task SignInAsync(Browser browser, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(browser);
        SubmitLogin(browser, key ?? AdminKey);
        await browser.WaitUntilAsync(() => new Uri(browser.Driver.Url).AbsolutePath == "/", "the home page after signing in", TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
