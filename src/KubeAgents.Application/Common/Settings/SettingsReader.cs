using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace KubeAgents.Application.Common.Settings;

/// <summary>
/// Reads the service's flat settings (environment variables such as <c>PORT</c>, or any other
/// configuration source under the same key). A value that is present but invalid throws
/// <see cref="InvalidConfigurationException"/> naming the key: never a silent fallback.
/// </summary>
public static class SettingsReader
{
    /// <summary>The trimmed value, or null when the key is absent or blank.</summary>
    public static string? GetSetting(this IConfiguration configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[key]?.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public static int GetInt32Setting(this IConfiguration configuration, string key, int defaultValue, int min, int max) =>
        configuration.GetSetting(key) is { } text ? ParseInt32(key, text, min, max) : defaultValue;

    public static int ParseInt32(string key, string text, int min, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new InvalidConfigurationException($"{key} must be a whole number from {min} to {max}, got '{text}'.");
        }

        return value;
    }

    /// <summary>One of a few words, in any case; anything else throws <c>{key} must be {expected}, got '...'</c>.</summary>
    public static T GetChoiceSetting<T>(this IConfiguration configuration, string key, T defaultValue, string expected, params ReadOnlySpan<(string Word, T Value)> choices)
    {
        var text = configuration.GetSetting(key);
        if (text is null)
        {
            return defaultValue;
        }

        foreach (var (word, value) in choices)
        {
            if (string.Equals(word, text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw new InvalidConfigurationException($"{key} must be {expected}, got '{text}'.");
    }

    /// <summary>A Go duration (<c>90s</c>, <c>5m</c>, <c>1h30m</c>), as the original service read it.</summary>
    public static TimeSpan GetDurationSetting(this IConfiguration configuration, string key, TimeSpan defaultValue) =>
        configuration.GetSetting(key) is { } text ? ParseDuration(key, text) : defaultValue;

    public static TimeSpan ParseDuration(string key, string text) =>
        GoDuration.TryParse(text, out var value) && value >= TimeSpan.Zero
            ? value
            : throw new InvalidConfigurationException($"{key} must be a non-negative Go duration such as 90s, 5m or 1h30m, got '{text}'.");
}
