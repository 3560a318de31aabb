namespace KubeAgents.Api.Startup;

/// <summary><c>--help</c>: what the binary does and where the settings are described. Printed without starting anything.</summary>
internal static class Usage
{
    public static bool IsRequested(string[] args) => args is ["--help" or "-h" or "-?" or "help", ..];

    public const string Text = """
        KubeAgents: a status hub for AI agents (REST API, dashboard, MCP endpoint, live events).

        usage (from the repository root; in a published folder, `dotnet KubeAgents.Api.dll` instead of `dotnet run --project src/KubeAgents.Api --`):
          dotnet run --project src/KubeAgents.Api                          start the service (port 8080, or PORT)
          dotnet run --project src/KubeAgents.Api -- keys <command>        manage API keys without a server: keys create|list|revoke|generate
          dotnet run --project src/KubeAgents.Api -- --help                this text

        Settings are environment variables (or any ASP.NET configuration source), for example:
          PORT=9090                 listen on another port (default 8080)
          DB_FILE=kubeagents.db     keep the embedded store on disk (default: in memory)
          DB_NAME=kubeagents        use PostgreSQL, with DB_HOST, DB_PORT, DB_USER, DB_PASSWORD
          AUTH_MODE=keys            require API keys (default: open)
        Every setting, its default and range: docs/configuration.md

        Once started: the dashboard at http://localhost:8080/, the API under /api, Swagger UI at /swagger.
        Exit codes: 0 stopped cleanly, 1 could not start (port in use, database unreachable), 2 invalid settings.
        """;
}
