using System.Net;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>
/// With <c>AUTH_MODE=keys</c>: the event stream is a <c>read</c> endpoint like the other GETs, and the
/// dashboard sends a browser without a read key to its login page, which checks the key before it
/// keeps it in an HttpOnly, SameSite=Strict cookie.
/// </summary>
[Collection(KeysModeCollection.Name)]
public class EventsAndDashboardKeyTests(KeysModeFixture keysMode)
{
    [SkippableTheory]
    [BothStores]
    public async Task The_event_stream_needs_a_key_with_the_read_scope(StoreKind store)
    {
        var service = await keysMode.GetAsync(store);

        foreach (var (key, expected) in new[]
        {
            ((string?)null, HttpStatusCode.Unauthorized),
            (service.Keys["revoked"], HttpStatusCode.Unauthorized),
            (service.Keys["all-but-read"], HttpStatusCode.Forbidden),
            (service.Keys["only-read"], HttpStatusCode.OK),
        })
        {
            using var http = service.CreateClient(key);
            using var response = await http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);

            response.StatusCode.Should().Be(expected);
            if (expected == HttpStatusCode.OK)
            {
                response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
            }
            else
            {
                ApiKeyMatrixTests.Error(await response.Content.ReadAsStringAsync()).Error
                    .Should().Be(expected == HttpStatusCode.Forbidden ? "forbidden" : "unauthorized");
            }
        }
    }

    [SkippableTheory]
    [BothStores]
    public async Task The_dashboard_sends_a_browser_to_login_and_keeps_only_a_checked_read_key(StoreKind store)
    {
        var service = await keysMode.GetAsync(store);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = service.Api.CreateClient().BaseAddress };

        using (var page = await browser.GetAsync("/agents/matrix-agent?cursor=x"))
        {
            page.StatusCode.Should().Be(HttpStatusCode.Redirect);
            page.Headers.Location!.OriginalString.Should().Be("/login?returnUrl=%2Fagents%2Fmatrix-agent%3Fcursor%3Dx");
        }

        (await browser.GetAsync("/login")).StatusCode.Should().Be(HttpStatusCode.OK, "the login page is open to all");
        (await browser.GetAsync("/assets/dashboard.css")).StatusCode.Should().NotBe(HttpStatusCode.Unauthorized, "its assets too");

        using (var refused = await LoginAsync(browser, service.Keys["all-but-read"]))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            refused.Headers.Contains("Set-Cookie").Should().BeFalse("a key that may not read is not kept");
            (await refused.Content.ReadAsStringAsync()).Should().Contain("needs the read scope");
        }

        using (var refused = await LoginAsync(browser, service.Keys["revoked"]))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            refused.Headers.Contains("Set-Cookie").Should().BeFalse();
        }

        using var accepted = await LoginAsync(browser, service.Keys["only-read"], "/agents/matrix-agent");
        accepted.StatusCode.Should().Be(HttpStatusCode.Redirect);
        accepted.Headers.Location!.OriginalString.Should().Be("/agents/matrix-agent");
        var cookie = accepted.Headers.GetValues("Set-Cookie").Single();
        cookie.Should().StartWith("kubeagents_key=").And.ContainEquivalentOf("httponly").And.ContainEquivalentOf("samesite=strict");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/agents/matrix-agent");
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        using var signedIn = await browser.SendAsync(request);
        signedIn.StatusCode.Should().Be(HttpStatusCode.OK);
        (await signedIn.Content.ReadAsStringAsync()).Should().Contain("matrix-agent");
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient browser, string key, string returnUrl = "/") =>
        browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key, ["returnUrl"] = returnUrl }));
}
