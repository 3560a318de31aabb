namespace KubeAgents.TestSupport;

/// <summary>A directory of a test's own under the system's temporary one, removed with what it holds.</summary>
public sealed class TemporaryDirectory(string prefix) : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
