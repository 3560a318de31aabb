using KubeAgents.Api.Authentication;
using KubeAgents.Api.RateLimiting;
using KubeAgents.Application.ApiKeys.Commands.CreateApiKey;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.Application.Common.Settings;
using Microsoft.Extensions.Configuration;

namespace KubeAgents.UnitTests.Configuration;

public class AuthOptionsTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Defaults_are_open_with_a_30_second_cache_and_private_metrics()
    {
        var options = Settings().ReadSettings<AuthOptions>();

        options.Mode.Should().Be(AuthMode.Open);
        options.CacheDuration.Should().Be(TimeSpan.FromSeconds(30));
        options.MetricsPublic.Should().BeFalse();
        options.BootstrapAdminKey.Should().BeNull();
        Settings().ReadSettings<RateLimitOptions>().PerMinute.Should().Be(RateLimitOptions.DefaultPerMinute);
    }

    [Theory]
    [InlineData("keys", AuthMode.Keys)]
    [InlineData("KEYS", AuthMode.Keys)]
    [InlineData("open", AuthMode.Open)]
    public void Auth_mode_is_read_without_regard_to_case(string value, AuthMode mode) =>
        Settings(("AUTH_MODE", value)).ReadSettings<AuthOptions>().Mode.Should().Be(mode);

    [Theory]
    [InlineData("AUTH_MODE", "on")]
    [InlineData("METRICS_PUBLIC", "yes please")]
    [InlineData("API_KEY_CACHE_SECONDS", "-1")]
    [InlineData("BOOTSTRAP_ADMIN_KEY", "password123")]
    public void An_invalid_value_names_its_setting(string key, string value)
    {
        var act = () => Settings((key, value)).ReadSettings<AuthOptions>();

        act.Should().Throw<InvalidConfigurationException>().WithMessage($"{key}*").Which.Message.Should().NotContain(value == "password123" ? value : "\u0000");
    }

    [Theory]
    [InlineData("ka_aaaaaaaa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("ka_abcdefgh_abababababababababababababababababababababa")]
    [InlineData("ka_abcdefgh_0123456789012345678901234567890123456789012")]
    public void A_well_formed_bootstrap_key_with_too_little_entropy_is_refused_pointing_to_a_command_that_runs(string weak)
    {
        var act = () => Settings(("BOOTSTRAP_ADMIN_KEY", weak)).ReadSettings<AuthOptions>();

        act.Should().Throw<InvalidConfigurationException>()
            .WithMessage("BOOTSTRAP_ADMIN_KEY has too little entropy*dotnet run --project src/KubeAgents.Api -- keys generate*")
            .Which.Message.Should().NotContain(weak);
    }

    [Fact]
    public void A_generated_key_is_a_valid_bootstrap_key() =>
        Settings(("BOOTSTRAP_ADMIN_KEY", ApiKeySecret.Generate())).ReadSettings<AuthOptions>().BootstrapAdminKey.Should().NotBeNull();

    [Theory]
    [InlineData("0", 0)]
    [InlineData("600", 600)]
    public void The_rate_limit_is_a_whole_number_and_0_turns_it_off(string value, int perMinute) =>
        Settings(("RATE_LIMIT_PER_MINUTE", value)).ReadSettings<RateLimitOptions>().PerMinute.Should().Be(perMinute);

    [Theory]
    [InlineData("ci-bot", new[] { "report" }, true)]
    [InlineData("ci-bot", new[] { "report", "read", "admin" }, true)]
    [InlineData("", new[] { "report" }, false)]
    [InlineData(" ", new[] { "report" }, false)]
    [InlineData("ci-bot", new string[0], false)]
    [InlineData("ci-bot", new[] { "write" }, false)]
    [InlineData("ci-bot", new[] { "Read" }, false)]
    public void A_key_needs_a_name_and_known_scopes(string name, string[] scopes, bool valid) =>
        new CreateApiKeyValidator().Validate(new CreateApiKeyCommand(name, scopes)).IsValid.Should().Be(valid);

    [Fact]
    public void A_name_longer_than_100_characters_is_refused() =>
        new CreateApiKeyValidator().Validate(new CreateApiKeyCommand(new string('n', 101), ["read"])).IsValid.Should().BeFalse();
}
