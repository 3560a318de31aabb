namespace KubeAgents.Domain.ApiKeys;

/// <summary>What a key may do. A key holds one or more.</summary>
[Flags]
public enum ApiScope
{
    None = 0,

    /// <summary>Report statuses: <c>POST /webhook/status</c> and the writing MCP tools.</summary>
    Report = 1,

    /// <summary>Read: every GET under <c>/api</c>, the event stream, the dashboard, <c>/metrics</c>.</summary>
    Read = 2,

    /// <summary>Manage keys and read the notification outbox.</summary>
    Admin = 4,
}

/// <summary>The wire names of <see cref="ApiScope"/>: <c>report</c>, <c>read</c>, <c>admin</c>.</summary>
public static class ApiScopeNames
{
    public const string Report = "report";
    public const string Read = "read";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Report, Read, Admin];

    public static string Name(ApiScope scope) => scope switch
    {
        ApiScope.Report => Report,
        ApiScope.Read => Read,
        ApiScope.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "a single scope"),
    };

    public static bool TryParse(string? name, out ApiScope scope)
    {
        scope = name switch
        {
            Report => ApiScope.Report,
            Read => ApiScope.Read,
            Admin => ApiScope.Admin,
            _ => ApiScope.None,
        };
        return scope != ApiScope.None;
    }

    /// <summary>The single scopes in <paramref name="scopes"/>, in the order report, read, admin.</summary>
    public static IReadOnlyList<string> Names(ApiScope scopes) =>
        [.. new[] { ApiScope.Report, ApiScope.Read, ApiScope.Admin }.Where(s => scopes.HasFlag(s)).Select(Name)];

    /// <summary>Stored form: the names joined with commas (<c>report,read</c>).</summary>
    public static string Join(ApiScope scopes) => string.Join(',', Names(scopes));

    public static ApiScope Split(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var scopes = ApiScope.None;
        foreach (var name in stored.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            scopes |= TryParse(name, out var scope) ? scope : throw new FormatException($"unknown scope '{name}'");
        }

        return scopes;
    }
}
