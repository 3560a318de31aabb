using NSwag;

namespace KubeAgents.TestSupport.Contract;

/// <summary>The committed OpenAPI document (src/KubeAgents.Client/openapi.json), the one clients are generated from.</summary>
public static class ContractDocument
{
    private static readonly Lazy<OpenApiDocument> Loaded = new(() =>
        OpenApiDocument.FromFileAsync(CommittedPath).GetAwaiter().GetResult());

    public static OpenApiDocument Document => Loaded.Value;

    public static string CommittedPath => Path.Combine(RepositoryRoot(), "src", "KubeAgents.Client", "openapi.json");

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KubeAgents.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("KubeAgents.sln not found above the test folder.");
    }
}
