using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.UnitTests.Notifications;

/// <summary>What a route accepts: globs, events, and how its URL is shown.</summary>
public class RouteRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, "anything", true)]
    [InlineData("", "anything", true)]
    [InlineData("ci-*", "ci-1", true)]
    [InlineData("ci-*", "ci-", true)]
    [InlineData("ci-*", "CI-1", false)]
    [InlineData("ci-?", "ci-12", false)]
    [InlineData("ci-?", "ci-1", true)]
    [InlineData("deploy/*", "deploy/prod/eu", true)]
    [InlineData("*/prod", "deploy/prod", true)]
    [InlineData("*a*b*c", "xxaxxbxxcx", false)]
    [InlineData("*a*b*c", "xxaxxbxxc", true)]
    [InlineData("exact", "exact", true)]
    [InlineData("exact", "exactly", false)]
    [InlineData("**", "", true)]
    public void Glob_matches_star_and_question_mark(string? pattern, string text, bool expected) =>
        Glob.IsMatch(pattern, text).Should().Be(expected);

    [Fact]
    public void Glob_with_many_stars_stays_linear() =>
        Glob.IsMatch(string.Concat(Enumerable.Repeat("*a", 200)) + "b", new string('a', 10_000)).Should().BeFalse();

    [Theory]
    [InlineData(NotificationEvents.Finished, NotificationKind.Finished, SessionStatus.Success, true)]
    [InlineData(NotificationEvents.Finished, NotificationKind.Finished, SessionStatus.Failed, true)]
    [InlineData(NotificationEvents.Failed, NotificationKind.Finished, SessionStatus.Success, false)]
    [InlineData(NotificationEvents.Failed, NotificationKind.Finished, SessionStatus.Failed, true)]
    [InlineData(NotificationEvents.Silent, NotificationKind.Finished, SessionStatus.Failed, false)]
    [InlineData(NotificationEvents.Silent, NotificationKind.Silent, SessionStatus.Running, true)]
    [InlineData(NotificationEvents.Finished | NotificationEvents.Failed, NotificationKind.Silent, SessionStatus.Pending, false)]
    public void Events_choose_what_a_route_wants(NotificationEvents events, NotificationKind kind, SessionStatus status, bool expected) =>
        events.Wants(kind, status).Should().Be(expected);

    [Fact]
    public void A_route_accepts_only_what_passes_every_filter()
    {
        var route = NotificationRoute.Create("r", "slack", "https://hooks.slack.com/services/T/B/abcd", null, "ci-*", "deploy/*", NotificationEvents.Failed, Now);

        route.Accepts(NotificationKind.Finished, "ci-1", "deploy/web", SessionStatus.Failed).Should().BeTrue();
        route.Accepts(NotificationKind.Finished, "ci-1", "deploy/web", SessionStatus.Success).Should().BeFalse();
        route.Accepts(NotificationKind.Finished, "bot", "deploy/web", SessionStatus.Failed).Should().BeFalse();
        route.Accepts(NotificationKind.Finished, "ci-1", "build", SessionStatus.Failed).Should().BeFalse();
    }

    [Theory]
    [InlineData("https://hooks.slack.com/services/T000/B000/XXXXsecret1234", "hooks.slack.com…1234")]
    [InlineData("https://discord.com/api/webhooks/1/tokenABCD", "discord.com…ABCD")]
    [InlineData("http://x/y", "x…")]
    public void A_url_shows_its_host_and_last_four_characters(string url, string masked) =>
        NotificationRoute.Mask(url).Should().Be(masked);

    [Fact]
    public void Change_keeps_what_is_not_given_and_clears_what_is_empty()
    {
        var route = NotificationRoute.Create("r", "json", "https://a.example/x", "s", "a*", "t*", NotificationEvents.Silent, Now);

        route.Change(null, null, string.Empty, null, string.Empty, null, Now.AddMinutes(1));

        route.Secret.Should().BeNull();
        route.AgentFilter.Should().Be("a*");
        route.TopicFilter.Should().BeNull();
        route.Events.Should().Be(NotificationEvents.Silent);
        route.UpdatedAt.Should().Be(Now.AddMinutes(1));
    }

    [Theory]
    [InlineData("finished", NotificationEvents.Finished)]
    [InlineData("failed", NotificationEvents.Failed)]
    [InlineData("silent", NotificationEvents.Silent)]
    public void Event_names_parse_exactly(string name, NotificationEvents expected)
    {
        NotificationEventNames.TryParse(name, out var parsed).Should().BeTrue();
        parsed.Should().Be(expected);
        NotificationEventNames.TryParse(name.ToUpperInvariant(), out _).Should().BeFalse();
    }
}
