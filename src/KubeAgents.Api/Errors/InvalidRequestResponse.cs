using System.Reflection;
using System.Text.Json;
using KubeAgents.Domain.Sessions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace KubeAgents.Api.Errors;

/// <summary>
/// Turns binding failures (malformed JSON, a JSON value of the wrong type, an unparsable query
/// parameter) into the contract's 400 body, naming the field by its wire name and saying what it expects.
/// </summary>
internal static class InvalidRequestResponse
{
    public static IActionResult Create(ActionContext context) =>
        ErrorWriter.Result(ErrorCode.BadRequest, Describe(context));

    private static string Describe(ActionContext context)
    {
        var bodyParameter = context.ActionDescriptor.Parameters
            .FirstOrDefault(p => p.BindingInfo?.BindingSource == BindingSource.Body);
        var errors = context.ModelState
            .Where(e => e.Value is { Errors.Count: > 0 })
            .Select(e => (Key: e.Key, Entry: e.Value!))
            .ToList();

        // System.Text.Json reports the JSON path of the failure ("$.ttl_minutes"); prefer it over
        // the generic "field is required" MVC adds for the parameter as a whole.
        if (errors.FirstOrDefault(e => e.Key.StartsWith('$')) is { Entry: not null } json)
        {
            return DescribeJsonError(json.Key, json.Entry.Errors[0].ErrorMessage, bodyParameter?.ParameterType);
        }

        var (key, entry) = errors.FirstOrDefault();
        if (entry is null || key.Length == 0 || key == bodyParameter?.Name)
        {
            return "request body must be a JSON object";
        }

        // A binder's own message (a path segment that is not text) already names the parameter.
        return entry.AttemptedValue is null && entry.Errors[0].ErrorMessage.Length > 0
            ? entry.Errors[0].ErrorMessage
            : $"{key} has an invalid value '{entry.AttemptedValue}'";
    }

    private static string DescribeJsonError(string path, string error, Type? bodyType)
    {
        var field = path.TrimStart('$').TrimStart('.');
        var wrongType = error.Contains("could not be converted", StringComparison.Ordinal);
        if (field.Length == 0)
        {
            return wrongType ? "request body must be a JSON object" : $"request body is not valid JSON: {FirstSentence(error)}";
        }

        var property = bodyType?.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name).Equals(field, StringComparison.OrdinalIgnoreCase));
        if (error.StartsWith("Duplicate property", StringComparison.Ordinal))
        {
            // Keys match without regard to case, so "AGENT_ID" repeats "agent_id".
            var key = property is null ? field : JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
            return key == field
                ? $"duplicate key {key} in the request body"
                : $"duplicate key {key} in the request body (as '{field}'; keys match without regard to case)";
        }

        if (!wrongType)
        {
            return $"request body is not valid JSON at {field}: {FirstSentence(error)}";
        }

        return property is null
            ? $"{field} has a value of the wrong type"
            : $"{field} must be {Expectation(property.PropertyType)}";
    }

    private static string Expectation(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(string) => "a string",
            _ when type == typeof(int) || type == typeof(long) => "an integer",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(DateTimeOffset) => "an RFC 3339 date-time with a time-zone offset, such as 2026-11-27T10:00:00Z",
            _ when type == typeof(SessionStatus) => "one of: running, pending, success, failed",
            _ => "a value of another type",
        };
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
