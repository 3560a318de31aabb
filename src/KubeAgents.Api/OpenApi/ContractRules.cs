using KubeAgents.Domain.ApiKeys;
using KubeAgents.Application.Common.Paging;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using NJsonSchema;
using NSwag;

namespace KubeAgents.Api.OpenApi;

/// <summary>
/// Writes into the document the rules the validators enforce, from the same constants they use, so a
/// client generated from it checks what the service checks, and nothing stricter. Rules a schema cannot
/// state (no NUL, no unpaired surrogate, a cursor this endpoint returned) are in the descriptions.
/// A test checks each limit here against the validators themselves.
/// </summary>
internal static class ContractRules
{
    public const string ReportSchema = "ReportStatusCommand";

    /// <summary>The report's text members: the least and most UTF-16 code units, and whether it is read back as a path segment.</summary>
    public static readonly IReadOnlyList<(string Property, int? MinLength, int MaxLength, bool PathSegment)> ReportText =
    [
        ("agent_id", 1, Agent.MaxIdLength, true),
        ("agent_name", null, Agent.MaxNameLength, false),
        ("agent_source", null, Agent.MaxSourceLength, false),
        ("session_topic", 1, Session.MaxTopicLength, true),
        ("message", null, StatusEntry.MaxMessageLength, false),
        ("content", null, StatusEntry.MaxContentLength, false),
    ];

    /// <summary>The page-size query parameters, per path.</summary>
    public static readonly IReadOnlyList<(string Path, string Parameter)> PageSizes =
    [
        ("/api/agents", "limit"),
        ("/api/agents/{agent_id}/sessions", "limit"),
        ("/api/agents/{agent_id}/sessions/{session_topic}", "history_limit"),
        ("/api/agents/{agent_id}/history", "limit"),
        ("/api/notifications", "limit"),
    ];

    private const string TextRule = " No NUL (\\u0000) and no unpaired surrogate.";

    public static void Apply(OpenApiDocument document)
    {
        DescribeTags(document);
        DescribeReport(document);
        DescribePaging(document);
        UnwrapOptionalEnumParameters(document);
        DescribeResponses(document);
        DescribeApiKeys(document);
    }

    /// <summary>The limits <c>CreateApiKeyValidator</c> applies; scopes as one named enum (a client's <c>ApiScope</c>).</summary>
    private static void DescribeApiKeys(OpenApiDocument document)
    {
        var scope = new JsonSchema { Type = JsonObjectType.String, Description = "What a key may do: report, read or admin." };
        foreach (var name in ApiScopeNames.All)
        {
            scope.Enumeration.Add(name);
        }

        document.Components.Schemas["ApiScope"] = scope;
        var create = document.Components.Schemas["CreateApiKeyCommand"];
        create.Properties["name"].MinLength = 1;
        create.Properties["name"].MaxLength = ApiKey.MaxNameLength;
        create.Properties["scopes"].MinItems = 1;
        foreach (var schema in new[] { "CreateApiKeyCommand", "CreatedApiKeyDto", "ApiKeyDto" })
        {
            document.Components.Schemas[schema].Properties["scopes"].Item = new JsonSchema { Reference = scope };
        }
    }

    /// <summary>
    /// An optional enum filter (<c>SessionStatus?</c>) comes out as <c>nullable</c> beside a bare
    /// <c>oneOf:[$ref]</c>, which OpenAPI 3.0 validators cannot read. A query parameter has no null:
    /// absent is "no filter", so the parameter simply refers to the enum.
    /// </summary>
    private static void UnwrapOptionalEnumParameters(OpenApiDocument document)
    {
        var parameters = document.Paths.Values.SelectMany(path => path.Values).SelectMany(operation => operation.Parameters);
        foreach (var parameter in parameters.Where(p => p.Kind == OpenApiParameterKind.Query))
        {
            if (parameter.Schema is { IsNullableRaw: true, OneOf.Count: 1 } schema && schema.OneOf.First().HasReference)
            {
                parameter.Schema = new JsonSchema { Reference = schema.OneOf.First().ActualSchema };
            }
        }
    }

    private static void DescribeTags(OpenApiDocument document)
    {
        document.Tags.Clear();
        foreach (var (name, description) in new[]
        {
            ("Webhook", "Where agents report their status."),
            ("Agents", "Agents, their sessions and status history. Ids and topics are single percent-encoded path segments."),
            ("Events", "Live events (Server-Sent Events): accepted reports, expiries, silent sessions, new agents; resumable with Last-Event-ID, and a reset when the id cannot be resumed."),
            ("Notifications", "The notification outbox, for operators."),
            ("NotificationRoutes", "Notification routes, for operators (the admin scope): where finished and silent sessions are announced (Slack, Discord, Teams, Lark, JSON), with filters and a test send."),
            ("ApiKeys", "API keys, for operators (the admin scope): create, list, revoke."),
            ("Health", "Liveness."),
        })
        {
            document.Tags.Add(new OpenApiTag { Name = name, Description = description });
        }
    }

    private static void DescribeReport(OpenApiDocument document)
    {
        var report = document.Components.Schemas[ReportSchema];
        foreach (var (name, minLength, maxLength, pathSegment) in ReportText)
        {
            var property = report.Properties[name];
            property.MinLength = minLength;
            property.MaxLength = maxLength;
            property.Description += TextRule;
            if (pathSegment)
            {
                // Read back as one URL path segment, which can never be a dot segment.
                property.Not = new JsonSchema { Enumeration = { ".", ".." } };
                property.Description += " Not \".\" or \"..\".";
            }
        }

        var ttl = report.Properties["ttl_minutes"];
        ttl.Minimum = 0;
        ttl.Maximum = Session.MaxTtlMinutes;

        report.Properties["timestamp"].Description +=
            " Kept to the microsecond on both stores: digits past the 6th fractional one (.NET writes 7 by default) " +
            "are dropped, not rounded. Read back in UTC (Z).";
        report.Description +=
            " Members this schema does not name are accepted and ignored, as the original service did.";

        var body = document.Paths["/webhook/status"][OpenApiOperationMethod.Post].RequestBody;
        body.Description =
            "The report as JSON. The body is read as JSON whatever its Content-Type (curl -d sends a form type), " +
            "as the original service did; at most 128 KiB.";
    }

    private static void DescribePaging(OpenApiDocument document)
    {
        foreach (var (path, name) in PageSizes)
        {
            var parameter = document.Paths[path][OpenApiOperationMethod.Get].Parameters.Single(p => p.Name == name);
            parameter.Schema.Minimum = 1;
            parameter.Schema.Maximum = PageCursor.MaxLimit;
            parameter.Schema.Default = PageCursor.DefaultLimit;
        }
    }

    private static void DescribeResponses(OpenApiDocument document)
    {
        var error = document.Components.Schemas["ErrorResponse"];
        foreach (var item in document.Paths.Values)
        {
            foreach (var operation in item.Values)
            {
                // The query guard answers a query that is not UTF-8 text on every endpoint; a bug is a 500 anywhere.
                AddError(operation, StatusCodes.Status400BadRequest, error);
                AddError(operation, StatusCodes.Status500InternalServerError, error);
                if (operation.Security is { Count: > 0 })
                {
                    AddError(operation, StatusCodes.Status401Unauthorized, error);
                    AddError(operation, StatusCodes.Status403Forbidden, error);
                }

                // The probes too: a probe that sends a key is counted like any request (one that sends none never is).
                AddError(operation, StatusCodes.Status429TooManyRequests, error);

                // Every JSON body is read as JSON whatever its Content-Type (ReadBodyAsJsonAttribute): text/plain, a form type (curl -d) or none.
                if (operation.RequestBody?.Content.TryGetValue("application/json", out var json) == true)
                {
                    operation.RequestBody.Content["*/*"] = new OpenApiMediaType { Schema = json.Schema };
                }

                DescribeEach(operation);
            }
        }
    }

    private static void DescribeEach(OpenApiOperation operation)
    {
        foreach (var (code, response) in operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList())
        {
            response.Description = Describe(code);
            if (code is "503" or "429")
            {
                response.Headers["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before retrying.",
                    Schema = new JsonSchema { Type = JsonObjectType.Integer, Minimum = 1 },
                };
            }
            else if (code == "401")
            {
                response.Headers["WWW-Authenticate"] = new OpenApiHeader
                {
                    Description = "Bearer (with error=\"invalid_token\" when the key sent is not valid).",
                    Schema = new JsonSchema { Type = JsonObjectType.String },
                };
            }
        }
    }

    private static void AddError(OpenApiOperation operation, int status, JsonSchema error)
    {
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!operation.Responses.ContainsKey(code))
        {
            var response = new OpenApiResponse();
            response.Content["application/json"] = new OpenApiMediaType { Schema = new JsonSchema { Reference = error } };
            operation.Responses[code] = response;
        }
    }

    private static string Describe(string code) => code switch
    {
        "200" => "OK.",
        "400" => "bad_request: a parameter or the body breaks a rule; the message names it. Nothing changed.",
        "201" => "Created.",
        "401" => "unauthorized (AUTH_MODE=keys): no API key, or one that is unknown, malformed or revoked.",
        "403" => "forbidden: the key lacks this endpoint's scope (AUTH_MODE=keys; the message names it), or an admin endpoint was called in AUTH_MODE=open, where nobody administers.",
        "404" => "not_found: no such agent, session or key (or, for /status, no status yet).",
        "429" => "rate_limited: more than RATE_LIMIT_PER_MINUTE requests from this key (or client address) in a minute, or more than RATE_LIMIT_UNVERIFIED_KEYS_PER_MINUTE keys this replica has not verified from this address; retry after Retry-After seconds.",
        "413" => "payload_too_large: the body is over 128 KiB. Nothing changed.",
        "415" => "unsupported_media_type: the body is not JSON (only /mcp checks its Content-Type).",
        "500" => "internal_error: an unexpected failure; the message holds nothing internal.",
        "503" => "unavailable: the database cannot be reached or the write queue is full. Nothing changed; retry after Retry-After seconds.",
        _ => "See the body.",
    };
}
