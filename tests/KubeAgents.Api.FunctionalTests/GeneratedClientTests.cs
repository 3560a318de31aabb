using System.Net;
using KubeAgents.Client;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// Every endpoint through the client generated from the committed document, over real HTTP: a
/// contract change that breaks clients breaks this build or these tests.
/// </summary>
[Collection(ApiCollection.Name)]
public class GeneratedClientTests(ApiFixture fixture)
{
    [SkippableTheory]
    [BothStores]
    public async Task Reports_and_every_query_work_through_the_typed_client(StoreKind store)
    {
        // Keys mode: the notifications query is an admin endpoint, and open mode administers nothing.
        await using var api = await KubeAgentsApi.StartWithKeyAsync(store);
        var http = api.CreateClient();
        var agentId = WireClient.Unique("typed") + "/ä";
        const string topic = "fix login bug/PR #42 中文";
        var t0 = api.Clock.GetUtcNow();

        var accepted = await new WebhookClient(http).ReportStatusAsync(new ReportStatusCommand
        {
            AgentId = agentId,
            AgentName = "Typed",
            SessionTopic = topic,
            Status = SessionStatus.Running,
            Timestamp = t0,
            Message = "go",
            TtlMinutes = 60,
        });
        await new WebhookClient(http).ReportStatusAsync(new ReportStatusCommand
        {
            AgentId = agentId,
            SessionTopic = topic,
            Status = SessionStatus.Success,
            Timestamp = t0.AddMinutes(1),
            Content = "done",
        });

        accepted.Success.Should().BeTrue();
        accepted.Message.Should().Be("Status reported successfully");

        var agents = new AgentsClient(http);
        var listed = await agents.ListAsync(SessionStatus.Success, agentId.ToUpperInvariant());
        listed.Agents.Should().ContainSingle().Which.AgentId.Should().Be(agentId);
        (await agents.ListAsync(SessionStatus.Running, agentId)).Agents.Should().BeEmpty();

        var agent = await agents.GetAsync(agentId);
        agent.Name.Should().Be("Typed");
        agent.SessionCount.Should().Be(1);
        agent.ActiveSessionCount.Should().Be(1);
        agent.LatestStatus.Should().Be(SessionStatus.Success);
        agent.Registered.Should().Be(t0);

        var sessions = await agents.ListSessionsAsync(agentId, expired: "false");
        sessions.Sessions.Should().ContainSingle().Which.TtlMinutes.Should().Be(60);

        var detail = await agents.GetSessionAsync(agentId, topic);
        detail.Session.SessionTopic.Should().Be(topic);
        detail.Session.CurrentStatus.Should().Be(SessionStatus.Success);
        detail.Session.Expired.Should().BeFalse();
        detail.Session.ExpiredAt.Should().BeNull();
        detail.StatusHistory.Select(s => s.Status).Should().Equal(SessionStatus.Success, SessionStatus.Running);
        detail.StatusHistory[1].Message.Should().Be("go");

        var latest = await agents.GetLatestStatusAsync(agentId);
        latest.Content.Should().Be("done");
        latest.Timestamp.Should().Be(t0.AddMinutes(1));

        (await new HealthClient(http).GetAsync()).Status.Should().Be("ok");
        (await new NotificationsClient(http).ListAsync(NotificationState.Failed, 10)).Notifications.Should().NotBeNull();
    }

    [SkippableTheory]
    [BothStores]
    public async Task Bad_request_arrives_as_a_typed_exception_with_the_error_body(StoreKind store)
    {
        var api = await fixture.GetAsync(store);

        var act = () => new WebhookClient(api.CreateClient()).ReportStatusAsync(new ReportStatusCommand
        {
            AgentId = new string('a', 101),
            SessionTopic = "t",
            Status = SessionStatus.Pending,
            Timestamp = api.Clock.GetUtcNow(),
        });

        var error = (await act.Should().ThrowAsync<KubeAgentsApiException<ErrorResponse>>()).Which;
        error.StatusCode.Should().Be((int)HttpStatusCode.BadRequest);
        error.Result.Error.Should().Be("bad_request");
        error.Result.Message.Should().Be("agent_id must be at most 100 characters (got 101)");
    }

    [SkippableTheory]
    [BothStores]
    public async Task Not_found_arrives_as_a_typed_exception_on_every_lookup(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var agents = new AgentsClient(api.CreateClient());
        var missing = WireClient.Unique("missing");

        foreach (var call in new Func<Task>[]
        {
            () => agents.GetAsync(missing),
            () => agents.ListSessionsAsync(missing),
            () => agents.GetSessionAsync(missing, "t"),
            () => agents.GetLatestStatusAsync(missing),
        })
        {
            var error = (await call.Should().ThrowAsync<KubeAgentsApiException<ErrorResponse>>()).Which;
            error.StatusCode.Should().Be((int)HttpStatusCode.NotFound);
            error.Result.Error.Should().Be("not_found");
        }
    }

    [Fact]
    public async Task Invalid_query_value_arrives_as_a_typed_exception()
    {
        await using var api = await KubeAgentsApi.StartWithKeyAsync(StoreKind.Sqlite);

        var act = () => new NotificationsClient(api.CreateClient()).ListAsync(limit: 0);

        (await act.Should().ThrowAsync<KubeAgentsApiException<ErrorResponse>>()).Which.Result.Message
            .Should().Be("limit must be between 1 and 1000");
    }
}
