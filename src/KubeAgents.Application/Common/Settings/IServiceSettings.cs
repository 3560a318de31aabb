using Microsoft.Extensions.Configuration;

namespace KubeAgents.Application.Common.Settings;

/// <summary>
/// An options class read from the service's flat settings (<c>PORT</c>, <c>DB_*</c>, ...). It names
/// its keys, and <see cref="Read"/> parses them with <see cref="SettingsReader"/>: an invalid value
/// throws <see cref="InvalidConfigurationException"/> naming the key.
/// </summary>
public interface IServiceSettings
{
    void Read(IConfiguration configuration);
}
