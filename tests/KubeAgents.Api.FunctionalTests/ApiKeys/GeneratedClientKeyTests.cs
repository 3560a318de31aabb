using System.Net.Http.Headers;
using KubeAgents.Client;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>The client generated from the document sends a key as its HttpClient's bearer token; a refusal is a typed exception.</summary>
[Collection(KeysModeCollection.Name)]
public class GeneratedClientKeyTests(KeysModeFixture keysMode)
{
    [SkippableTheory]
    [BothStores]
    public async Task The_typed_client_creates_a_key_and_reads_with_it(StoreKind store)
    {
        var service = await keysMode.GetAsync(store);
        using var admin = service.CreateClient(service.BootstrapKey);

        var created = await new ApiKeysClient(admin).CreateAsync(new CreateApiKeyCommand { Name = "typed", Scopes = [ApiScope.Read] });
        using var reader = service.Api.CreateClient();
        reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Key);
        var agents = await new AgentsClient(reader).ListAsync();
        var listed = await new ApiKeysClient(admin).ListAsync();
        var refused = () => new NotificationsClient(reader).ListAsync();

        created.Scopes.Should().Equal(ApiScope.Read);
        agents.Agents.Should().Contain(a => a.AgentId == KeysModeFixture.AgentId);
        listed.Keys.Should().Contain(k => k.Prefix == created.Prefix && k.Name == "typed");
        (await refused.Should().ThrowAsync<KubeAgentsApiException<ErrorResponse>>()).Which.StatusCode.Should().Be(403);
    }
}
