using System.Globalization;
using System.Net;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NSwag;

namespace KubeAgents.TestSupport.Contract;

/// <summary>
/// Checks every exchange of the HttpClients the tests create against the committed OpenAPI document:
/// <list type="bullet">
/// <item>the response: its status code is declared for the operation (found by method and path
/// template), its body validates against the declared schema (an undeclared member, type or format
/// fails); an unknown path must be a 404, a method the path does not take a 405, both with the error body;</item>
/// <item>the request: path and query parameters and the body against their schemas. Tests of hostile
/// input send requests the document refuses on purpose, so a refused request is not itself a violation:
/// the service must then refuse it too (a 4xx). A request the document refuses but the service accepts
/// means the document is stricter than the service, and fails.</item>
/// </list>
/// A violation throws <see cref="ContractViolationException"/> from the call, failing the test that made it.
/// CORS preflights (framework, not API), the document itself (<c>/swagger</c>), the Prometheus scrape (<c>/metrics</c>) and the MCP endpoint (<c>/mcp</c>, JSON-RPC with its own schemas), neither part of the REST API, are not checked.
/// </summary>
public sealed class ContractValidatingHandler(OpenApiDocument document) : DelegatingHandler
{
    public ContractValidatingHandler()
        : this(ContractDocument.Document)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.RequestUri!.AbsolutePath;
        if (request.Headers.Contains("Access-Control-Request-Method") || path.StartsWith("/swagger", StringComparison.Ordinal) || path is "/metrics" or "/mcp")
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var match = Find(path);
        var operation = match is { } m && m.Item.TryGetValue(request.Method.Method.ToLowerInvariant(), out var found) ? found : null;
        var requestProblems = operation is null ? [] : await CheckRequestAsync(request, operation, match!.Value.PathValues).ConfigureAwait(false);

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Content?.Headers.ContentType?.MediaType == "text/event-stream")
        {
            // A stream does not end: its status, media type and request are checked; its events by the tests that read them.
            var streamProblems = operation is null ? ["an event stream from an undocumented operation"] : CheckStreamResponse(operation, response);
            streamProblems.AddRange(requestProblems.Select(p => $"the document refuses this request ({p}) but the service streamed"));
            if (streamProblems.Count > 0)
            {
                ContractTraffic.RecordViolation();
                response.Dispose();
                throw new ContractViolationException($"{request.Method} {request.RequestUri.PathAndQuery} breaks the OpenAPI document:\n  " + string.Join("\n  ", streamProblems));
            }

            ContractTraffic.RecordChecked();
            return response;
        }

        if (response.Content is not null)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        var body = response.Content is null ? string.Empty : await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var responseProblems = operation switch
        {
            null when match is null => CheckBareError(response, body, HttpStatusCode.NotFound, "an undocumented path"),
            null => CheckBareError(response, body, HttpStatusCode.MethodNotAllowed, $"a method {path} does not take"),
            _ => CheckResponse(operation, response, body),
        };

        if (requestProblems.Count > 0)
        {
            if (status is >= 400 and < 500)
            {
                ContractTraffic.RecordRefused();
            }
            else
            {
                responseProblems.Add($"the document refuses this request ({string.Join("; ", requestProblems)}) but the service answered {status}: the document is stricter than the service");
            }
        }

        if (responseProblems.Count > 0)
        {
            ContractTraffic.RecordViolation();
            throw new ContractViolationException(
                $"{request.Method} {request.RequestUri.PathAndQuery} -> {status} breaks the OpenAPI document:\n  " +
                string.Join("\n  ", responseProblems) + $"\nbody: {Truncate(body)}");
        }

        ContractTraffic.RecordChecked();
        return response;
    }

    private (OpenApiPathItem Item, Dictionary<string, string> PathValues)? Find(string rawPath)
    {
        var segments = rawPath.Split('/');
        (OpenApiPathItem Item, Dictionary<string, string> Values, int Literals)? best = null;
        foreach (var (template, item) in document.Paths)
        {
            var parts = template.Split('/');
            if (parts.Length != segments.Length)
            {
                continue;
            }

            var values = new Dictionary<string, string>();
            var literals = 0;
            var matches = true;
            for (var i = 0; i < parts.Length && matches; i++)
            {
                if (parts[i].StartsWith('{') && parts[i].EndsWith('}'))
                {
                    matches = segments[i].Length > 0;
                    values[parts[i][1..^1]] = Uri.UnescapeDataString(segments[i]);
                }
                else
                {
                    matches = parts[i] == segments[i];
                    literals++;
                }
            }

            if (matches && (best is null || literals > best.Value.Literals))
            {
                best = (item, values, literals);
            }
        }

        return best is { } b ? (b.Item, b.Values) : null;
    }

    private static async Task<List<string>> CheckRequestAsync(HttpRequestMessage request, OpenApiOperation operation, Dictionary<string, string> pathValues)
    {
        var problems = new List<string>();
        var query = ParseQuery(request.RequestUri!.Query);
        foreach (var parameter in operation.ActualParameters.Where(p => p.Kind is OpenApiParameterKind.Path or OpenApiParameterKind.Query))
        {
            string? value = parameter.Kind switch
            {
                OpenApiParameterKind.Path => pathValues.GetValueOrDefault(parameter.Name),
                OpenApiParameterKind.Query => query.GetValueOrDefault(parameter.Name),
                _ => null,
            };
            if (value is null)
            {
                if (parameter.IsRequired)
                {
                    problems.Add($"{parameter.Name} is required");
                }

                continue;
            }

            var token = ParameterToken(parameter.ActualSchema, value);
            if (token is null)
            {
                problems.Add($"{parameter.Name} = '{value}' is not a {parameter.ActualSchema.Type}");
                continue;
            }

            problems.AddRange(parameter.Schema.Validate(token, SchemaType.OpenApi3).Select(e => $"{parameter.Name}: {e}"));
        }

        var requestBody = operation.ActualRequestBody;
        if (requestBody is not null)
        {
            if (request.Content is not { } content)
            {
                problems.Add("the body is required");
                return problems;
            }

            if (request.Headers.TransferEncodingChunked == true)
            {
                // Reading a body sent chunked on purpose would change how it is sent.
                problems.Add("the body is sent chunked: not checked, so not counted as valid");
                return problems;
            }

            await content.LoadIntoBufferAsync().ConfigureAwait(false);
            var mediaType = content.Headers.ContentType?.MediaType ?? "application/octet-stream";
            var declared = requestBody.Content.TryGetValue(mediaType, out var media) ? media : requestBody.Content.TryGetValue("*/*", out var any) ? any : null;
            if (declared is null)
            {
                problems.Add($"the body's media type {mediaType} is not declared");
                return problems;
            }

            var text = await content.ReadAsStringAsync().ConfigureAwait(false);
            problems.AddRange(ValidateJson(declared.Schema, text, "request body"));
        }

        return problems;
    }

    private static List<string> CheckStreamResponse(OpenApiOperation operation, HttpResponseMessage response)
    {
        var code = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        return operation.ActualResponses.TryGetValue(code, out var declared) && declared.Content.ContainsKey("text/event-stream")
            ? []
            : [$"status {code} with text/event-stream is not declared for this operation"];
    }

    private static List<string> CheckResponse(OpenApiOperation operation, HttpResponseMessage response, string body)
    {
        var code = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        if (!operation.ActualResponses.TryGetValue(code, out var declared))
        {
            return [$"status {code} is not declared for this operation (declared: {string.Join(", ", operation.ActualResponses.Keys)})"];
        }

        var mediaType = response.Content?.Headers.ContentType?.MediaType;
        if (declared.Content.Count == 0)
        {
            return body.Length == 0 ? [] : ["a body where the document declares none"];
        }

        if (mediaType is null || !declared.Content.TryGetValue(mediaType, out var media))
        {
            return [$"media type {mediaType ?? "(none)"} is not declared for {code} (declared: {string.Join(", ", declared.Content.Keys)})"];
        }

        var problems = ValidateJson(media.Schema, body, "response body");
        foreach (var (name, header) in declared.Headers)
        {
            if (header.IsRequired && !response.Headers.Contains(name))
            {
                problems.Add($"header {name} is required");
            }
        }

        return problems;
    }

    private List<string> CheckBareError(HttpResponseMessage response, string body, HttpStatusCode expected, string what)
    {
        if (response.StatusCode != expected)
        {
            return [$"{what} must be answered {(int)expected}, not {(int)response.StatusCode}"];
        }

        return ValidateJson(document.Components.Schemas["ErrorResponse"], body, "error body");
    }

    private static List<string> ValidateJson(JsonSchema schema, string text, string what)
    {
        JToken token;
        try
        {
            using var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Decimal };
            token = JToken.ReadFrom(reader);
            if (reader.Read())
            {
                return [$"{what} has text after its JSON value"];
            }
        }
        catch (JsonReaderException ex)
        {
            return [$"{what} is not JSON: {ex.Message}"];
        }

        return [.. schema.Validate(token, SchemaType.OpenApi3).Select(e => $"{what}: {Describe(e)}")];
    }

    private static string Describe(NJsonSchema.Validation.ValidationError error) =>
        error is NJsonSchema.Validation.ChildSchemaValidationError child
            ? $"{error.Kind} at {error.Path} ({string.Join("; ", child.Errors.SelectMany(e => e.Value).Select(Describe))})"
            : $"{error.Kind} at {error.Path}";

    /// <summary>A query or path value as the JSON value its schema describes; null when it cannot be one.</summary>
    private static JToken? ParameterToken(JsonSchema schema, string value)
    {
        if (schema.Type.HasFlag(JsonObjectType.Integer))
        {
            return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? new JValue(number) : null;
        }

        if (schema.Type.HasFlag(JsonObjectType.Boolean))
        {
            return value switch { "true" => new JValue(true), "false" => new JValue(false), _ => null };
        }

        return new JValue(value);
    }

    private static Dictionary<string, string> ParseQuery(string query)
    {
        var values = new Dictionary<string, string>();
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(separator < 0 ? pair : pair[..separator]);
            values[name] = separator < 0 ? string.Empty : Decode(pair[(separator + 1)..]);
        }

        return values;
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    private static string Truncate(string text) => text.Length <= 2000 ? text : text[..2000] + "...";
}

/// <summary>An exchange the committed OpenAPI document does not describe.</summary>
public sealed class ContractViolationException(string message) : Exception(message);

/// <summary>Counts over the whole test run, so a test can check that the validation really ran.</summary>
public static class ContractTraffic
{
    private static long _checked;
    private static long _refused;
    private static long _violations;

    /// <summary>Exchanges that matched the document.</summary>
    public static long Checked => Interlocked.Read(ref _checked);

    /// <summary>Requests the document refuses that the service refused too (hostile-input tests).</summary>
    public static long Refused => Interlocked.Read(ref _refused);

    public static long Violations => Interlocked.Read(ref _violations);

    internal static void RecordChecked() => Interlocked.Increment(ref _checked);

    internal static void RecordRefused() => Interlocked.Increment(ref _refused);

    internal static void RecordViolation() => Interlocked.Increment(ref _violations);
}
