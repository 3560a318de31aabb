using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>No key in any log at any level: every key flow, with every category at Trace.</summary>
public class KeyLogSecrecyTests
{
    [SkippableTheory]
    [BothStores]
    public async Task No_key_is_in_any_log_line_even_at_Trace(StoreKind store)
    {
        var bootstrap = ApiKeySecret.Generate();
        var logs = new LogCollector();
        var settings = new Dictionary<string, string?> { ["AUTH_MODE"] = "keys", ["BOOTSTRAP_ADMIN_KEY"] = bootstrap };
        foreach (var category in new[] { "Default", "Microsoft", "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "System", "KubeAgents" })
        {
            settings[$"Logging:LogLevel:{category}"] = "Trace";
        }

        string created;
        var bad = ApiKeySecret.Generate();
        await using (var api = await KubeAgentsApi.StartAsync(store, settings, s => s.AddSingleton<ILoggerProvider>(logs)))
        {
            using var admin = api.CreateClient();
            admin.DefaultRequestHeaders.Authorization = new("Bearer", bootstrap);
            using var answer = await admin.PostAsJsonAsync("/api/keys", new { name = "secrecy", scopes = new[] { "read", "report" } });
            created = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
            (await admin.GetAsync("/api/keys")).StatusCode.Should().Be(HttpStatusCode.OK);

            using var user = api.CreateClient();
            user.DefaultRequestHeaders.Add("X-API-Key", created);
            (await user.GetAsync("/api/agents")).StatusCode.Should().Be(HttpStatusCode.OK);
            using var browser = api.CreateUncheckedClient();
            using var login = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = created, ["returnUrl"] = "/" }));
            login.StatusCode.Should().BeOneOf(HttpStatusCode.OK, HttpStatusCode.Redirect, HttpStatusCode.Found);

            using var wrong = api.CreateClient();
            wrong.DefaultRequestHeaders.Authorization = new("Bearer", bad);
            (await wrong.GetAsync("/api/agents")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await admin.DeleteAsync($"/api/keys/{KeysService.Prefix(created)}")).StatusCode.Should().Be(HttpStatusCode.OK);
            (await user.GetAsync("/api/agents")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        var text = string.Join('\n', logs.Entries.Select(e => e + " " + e.Exception));
        logs.Entries.Should().Contain(e => e.Level == LogLevel.Trace, "every category was at Trace");
        text.Should().Contain("Executing action method", "MVC's argument lines were captured");
        foreach (var key in new[] { bootstrap, created, bad })
        {
            text.Should().NotContain(key[12..], "the secret part of a key is in no log line");
        }
    }
}
