using System.Data.Common;
using System.Net;
using System.Text;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>Keys at rest and in motion: only hashes stored, nothing secret logged, revocation, last_used_at.</summary>
[Collection(KeysModeCollection.Name)]
public class ApiKeyStorageTests(KeysModeFixture keysMode)
{
    [SkippableTheory]
    [BothStores]
    public async Task No_key_text_or_secret_is_in_the_api_keys_table(StoreKind store)
    {
        var service = await keysMode.GetAsync(store);
        var secrets = service.Keys.Values.Append(service.BootstrapKey).ToList();

        var cells = await service.Api.InDatabaseAsync(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT * FROM api_keys";
            await using var reader = await command.ExecuteReaderAsync();
            var values = new List<string>();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    values.Add(reader.GetValue(i) switch
                    {
                        byte[] bytes => Encoding.Latin1.GetString(bytes) + " " + Convert.ToHexString(bytes) + " " + Convert.ToBase64String(bytes),
                        var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
                    });
                }
            }

            return values;
        });

        cells.Should().NotBeEmpty();
        foreach (var secret in secrets)
        {
            var secretPart = SecretPart(secret);
            cells.Should().NotContain(c => c.Contains(secretPart, StringComparison.Ordinal), "only the hash of a key is stored");
        }

        var stored = await service.Api.InDatabaseAsync(db => db.ApiKeys.AsNoTracking().ToListAsync());
        stored.Should().Contain(k => k.Hash.SequenceEqual(ApiKeySecret.Hash(service.BootstrapKey)) && k.Scopes == ApiScope.Admin);
    }

    [SkippableTheory]
    [BothStores]
    public async Task No_key_or_hash_is_in_the_logs_or_in_an_error_body(StoreKind store)
    {
        var service = await keysMode.GetAsync(store);
        var presented = service.Keys["only-report"][..^1] + (service.Keys["only-report"][^1] == 'A' ? "B" : "A");
        using var wrong = service.CreateClient(presented);
        using var response = await wrong.GetAsync("/api/agents");
        var body = await response.Content.ReadAsStringAsync();

        var stored = await service.Api.InDatabaseAsync(db => db.ApiKeys.AsNoTracking().ToListAsync());
        var forbidden = service.Keys.Values.Append(service.BootstrapKey).Append(presented)
            .Select(SecretPart)
            .Concat(stored.SelectMany(k => new[] { Convert.ToHexString(k.Hash), Convert.ToHexStringLower(k.Hash), Convert.ToBase64String(k.Hash) }))
            .ToList();
        var logText = string.Join('\n', service.Logs.Entries.Select(e => e + " " + e.Exception));

        service.Logs.Entries.Should().NotBeEmpty();
        logText.Should().Contain(KeysService.Prefix(service.BootstrapKey), "the bootstrap key's prefix is logged, to be found and revoked");
        foreach (var secret in forbidden)
        {
            logText.Should().NotContain(secret);
            body.Should().NotContain(secret);
        }
    }

    [Fact]
    public void The_OpenAPI_document_shows_no_key_and_declares_both_schemes()
    {
        var document = File.ReadAllText(KubeAgents.TestSupport.Contract.ContractDocument.CommittedPath);

        document.Should().NotMatchRegex("ka_[a-z2-7]{8}_[A-Za-z0-9_-]{43}");
        var schemes = System.Text.Json.JsonDocument.Parse(document).RootElement.GetProperty("components").GetProperty("securitySchemes");
        schemes.GetProperty("bearer").GetProperty("scheme").GetString().Should().Be("bearer");
        schemes.GetProperty("api_key").GetProperty("name").GetString().Should().Be("X-API-Key");
    }

    [SkippableTheory]
    [BothStores]
    public async Task A_revoked_key_stops_at_once_on_the_replica_that_revoked_it(StoreKind store)
    {
        var service = await keysMode.GetAsync(store);
        var key = await service.CreateKeyAsync("short-lived", ApiScopeNames.Read);
        using var http = service.CreateClient(key);
        using var admin = service.CreateClient(service.BootstrapKey);
        (await http.GetAsync("/api/agents")).StatusCode.Should().Be(HttpStatusCode.OK);

        using var revoked = await admin.DeleteAsync($"/api/keys/{KeysService.Prefix(key)}");

        revoked.StatusCode.Should().Be(HttpStatusCode.OK);
        (await revoked.Content.ReadAsStringAsync()).Should().Contain("\"revoked_at\"").And.NotContain(key);
        (await http.GetAsync("/api/agents")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await admin.DeleteAsync("/api/keys/zzzzzzzz")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task A_key_revoked_on_another_replica_stops_within_the_cache_time()
    {
        var service = await keysMode.GetAsync(StoreKind.Postgres);
        var connectionString = service.Api.Services.GetRequiredService<IConfiguration>().GetConnectionString("KubeAgents");
        await using var other = await KubeAgentsApi.StartAsync(StoreKind.Postgres, new Dictionary<string, string?>
        {
            ["AUTH_MODE"] = "keys",
            ["ConnectionStrings:KubeAgents"] = connectionString,
        });
        other.Clock.SetUtcNow(service.Api.Clock.GetUtcNow());
        var key = await service.CreateKeyAsync("replicated", ApiScopeNames.Read);
        using var onOther = other.CreateClient();
        onOther.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        (await onOther.GetAsync("/api/agents")).StatusCode.Should().Be(HttpStatusCode.OK, "a key made on one replica works on all");

        using var admin = service.CreateClient(service.BootstrapKey);
        (await admin.DeleteAsync($"/api/keys/{KeysService.Prefix(key)}")).EnsureSuccessStatusCode();

        (await onOther.GetAsync("/api/agents")).StatusCode.Should().Be(HttpStatusCode.OK, "the other replica trusts its cache for up to 30 s");
        other.Clock.Advance(TimeSpan.FromSeconds(30));
        (await onOther.GetAsync("/api/agents")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [SkippableTheory]
    [BothStores]
    public async Task Last_used_at_is_written_at_most_once_a_minute(StoreKind store)
    {
        var service = await keysMode.GetAsync(store);
        var key = await service.CreateKeyAsync("used", ApiScopeNames.Read);
        using var http = service.CreateClient(key);
        var prefix = KeysService.Prefix(key);
        async Task<DateTimeOffset?> LastUsedAsync() =>
            (await service.Api.InDatabaseAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Prefix == prefix))).LastUsedAt;

        (await http.GetAsync("/api/agents")).EnsureSuccessStatusCode();
        var first = service.Api.Clock.GetUtcNow();
        await Eventually.TrueAsync(async () => await LastUsedAsync() == first, "last_used_at is the first use");

        service.Api.Clock.Advance(TimeSpan.FromSeconds(59));
        (await http.GetAsync("/api/agents")).EnsureSuccessStatusCode();
        await Task.Delay(300);
        (await LastUsedAsync()).Should().Be(first, "less than a minute passed");

        service.Api.Clock.Advance(TimeSpan.FromSeconds(1));
        (await http.GetAsync("/api/agents")).EnsureSuccessStatusCode();
        var second = service.Api.Clock.GetUtcNow();
        await Eventually.TrueAsync(async () => await LastUsedAsync() == second, "last_used_at moves a minute later");
    }

    /// <summary>The 43 characters after <c>ka_&lt;prefix&gt;_</c> (base64url: they may hold '_' themselves).</summary>
    private static string SecretPart(string key) => key[("ka_".Length + 8 + 1)..];
}
