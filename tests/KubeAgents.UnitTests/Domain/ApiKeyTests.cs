using KubeAgents.Domain.ApiKeys;

namespace KubeAgents.UnitTests.Domain;

public class ApiKeyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_new_key_is_256_random_bits_behind_a_public_prefix_and_only_its_hash_is_kept()
    {
        var (key, text) = ApiKey.Create("ci-bot", ApiScope.Report | ApiScope.Read, Now);

        text.Should().MatchRegex("^ka_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$");
        Convert.FromBase64String(text[12..].Replace('-', '+').Replace('_', '/') + "=").Should().HaveCount(32);
        key.Prefix.Should().Be(text[3..11]);
        key.Hash.Should().Equal(ApiKeySecret.Hash(text));
        ApiKeySecret.Matches(text, key.Hash).Should().BeTrue();
        ApiKey.Create("ci-bot", ApiScope.Read, Now).Text.Should().NotBe(text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ka_abcdefgh_short")]
    [InlineData("xx_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("ka_ABCDEFGH_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("ka_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("ka_abcdefgh-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void A_malformed_key_has_no_prefix_to_look_up(string text) =>
        ApiKeySecret.TryGetPrefix(text, out _).Should().BeFalse();

    [Fact]
    public void A_key_differing_in_one_character_does_not_match()
    {
        var (key, text) = ApiKey.Create("x", ApiScope.Read, Now);
        var other = text[..^1] + (text[^1] == 'A' ? 'B' : 'A');

        ApiKeySecret.Matches(other, key.Hash).Should().BeFalse();
        ApiKeySecret.Matches(text + "x", key.Hash).Should().BeFalse();
    }

    [Fact]
    public void A_revoked_key_allows_nothing_and_keeps_its_first_revocation()
    {
        var (key, _) = ApiKey.Create("x", ApiScope.Read | ApiScope.Admin, Now);
        key.Allows(ApiScope.Read).Should().BeTrue();
        key.Allows(ApiScope.Report).Should().BeFalse();

        key.Revoke(Now);
        key.Revoke(Now.AddHours(1));

        key.Allows(ApiScope.Read).Should().BeFalse();
        key.RevokedAt.Should().Be(Now);
    }

    [Fact]
    public void Scopes_are_stored_as_their_names()
    {
        ApiScopeNames.Join(ApiScope.Admin | ApiScope.Report).Should().Be("report,admin");
        ApiScopeNames.Split("report,admin").Should().Be(ApiScope.Admin | ApiScope.Report);
        var act = () => ApiScopeNames.Split("report,root");
        act.Should().Throw<FormatException>();
    }
}
