using KubeAgents.Api.Dashboard;
using KubeAgents.Application.Dashboard;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.UnitTests.Api;

public class DashboardWordsTests
{
    [Theory]
    [InlineData(SessionStatus.Running, false, SessionWord.Live, "running")]
    [InlineData(SessionStatus.Pending, false, SessionWord.Live, "pending")]
    [InlineData(SessionStatus.Running, true, SessionWord.Silent, "silent")]
    [InlineData(SessionStatus.Pending, true, SessionWord.Silent, "silent")]
    [InlineData(SessionStatus.Success, false, SessionWord.Finished, "success")]
    [InlineData(SessionStatus.Failed, true, SessionWord.Finished, "failed")]
    public void A_session_has_one_word_and_silent_replaces_its_running_badge(SessionStatus status, bool expired, SessionWord word, string badge)
    {
        SessionWords.WordOf(status, expired).Should().Be(word);
        Show.Badge(status, expired).Should().Be(badge);
    }

    [Fact]
    public void A_card_message_is_cut_at_160_characters_without_splitting_a_surrogate_pair()
    {
        Show.Clip(new string('a', 160)).Should().HaveLength(160);
        Show.Clip(new string('a', 161)).Should().Be(new string('a', 160) + "…");
        var emoji = new string('a', 159) + "🚀🚀";
        Show.Clip(emoji).Should().Be(new string('a', 159) + "…", "half an emoji is not text");
    }

    [Fact]
    public void Every_state_and_word_has_a_meaning_for_the_legend()
    {
        foreach (var name in SessionWords.StateNames.All.Concat(SessionWords.WordNames.All).Append("success"))
        {
            Show.Meaning(name).Should().NotBe(Show.Meaning("none"), name);
        }
    }
}
