using System.Buffers.Text;
using System.Net;
using System.Text;
using KubeAgents.TestSupport;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>No input is a 500: NUL and invalid text in every query parameter and path segment is a 400 naming it.</summary>
[Collection(ApiCollection.Name)]
public class HostileQueryTests(ApiFixture fixture)
{
    /// <summary>Every parameter of every read endpoint; {a} is a known agent, {t} its session.</summary>
    private static readonly (string Path, string Parameter, bool IsCursor)[] Parameters =
        [
            ("/api/agents", "search", false),
            ("/api/agents", "status", false),
            ("/api/agents", "limit", false),
            ("/api/agents", "cursor", true),
            ("/api/agents/{a}/sessions", "expired", false),
            ("/api/agents/{a}/sessions", "limit", false),
            ("/api/agents/{a}/sessions", "cursor", true),
            ("/api/agents/{a}/sessions/{t}", "history_limit", false),
            ("/api/agents/{a}/sessions/{t}", "history_cursor", true),
            ("/api/agents/{a}/history", "status", false),
            ("/api/agents/{a}/history", "limit", false),
            ("/api/agents/{a}/history", "cursor", true),
            ("/api/notifications", "state", false),
            ("/api/notifications", "limit", false),
        ];

    /// <summary>Percent-encoded as sent: NUL, NUL inside text, a UTF-8-encoded lone surrogate, an overlong NUL, bytes that are no UTF-8.</summary>
    private static readonly string[] HostileValues = ["%00", "a%00b", "%ED%A0%80", "%C0%80", "%FF%FE", "x%00%ED%A0%80"];

    /// <summary>Cursors that decode (base64url) to a key holding NUL or bytes that are not UTF-8.</summary>
    private static readonly string[] HostileCursors =
        [
            Cursor(Encoding.UTF8.GetBytes("639000000000000000|a\0b")),
            Cursor(Encoding.UTF8.GetBytes("639000000000000000|\0")),
            Cursor([.. Encoding.UTF8.GetBytes("639000000000000000|"), 0xED, 0xA0, 0x80]),
            Cursor([.. Encoding.UTF8.GetBytes("639000000000000000|1"), 0xFF]),
            Cursor([0, .. Encoding.UTF8.GetBytes("1|1")]),
        ];

    [SkippableTheory]
    [BothStores]
    public async Task Hostile_query_parameters_are_a_400_naming_the_parameter(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var agentId = Unique("hostile");
        await client.ReportAsync(agentId, "t", "running", api.Clock.GetUtcNow());

        var failures = new List<string>();
        foreach (var (template, parameter, isCursor) in Parameters)
        {
            var path = template.Replace("{a}", agentId, StringComparison.Ordinal).Replace("{t}", "t", StringComparison.Ordinal);
            foreach (var value in isCursor ? [.. HostileValues, .. HostileCursors] : HostileValues)
            {
                var target = $"{path}?{parameter}={value}";
                var (status, body) = await RawHttp.GetAsync(client.Http.BaseAddress!, target);
                if (status != HttpStatusCode.BadRequest || body.Str("error") != "bad_request" || !body.Str("message").Contains(parameter, StringComparison.Ordinal))
                {
                    failures.Add($"{target} -> {(int)status} {body}");
                }
            }
        }

        failures.Should().BeEmpty(string.Join(Environment.NewLine, failures));
    }

    [SkippableTheory]
    [BothStores]
    public async Task Hostile_path_segments_are_a_400_naming_the_segment(StoreKind store)
    {
        var api = await fixture.GetAsync(store);
        var client = api.CreateWireClient();
        var agentId = Unique("hostile");
        await client.ReportAsync(agentId, "t", "running", api.Clock.GetUtcNow());

        var failures = new List<string>();
        foreach (var value in HostileValues)
        {
            foreach (var (target, parameter) in new[]
            {
                ($"/api/agents/{value}", "agent_id"),
                ($"/api/agents/{value}/sessions", "agent_id"),
                ($"/api/agents/{value}/status", "agent_id"),
                ($"/api/agents/{value}/history", "agent_id"),
                ($"/api/agents/{Uri.EscapeDataString(agentId)}/sessions/{value}", "session_topic"),
            })
            {
                var (status, body) = await RawHttp.GetAsync(client.Http.BaseAddress!, target);
                // Kestrel itself refuses a NUL in the path before the application runs: its answer gets the
                // contract's body too (KestrelRejectionBody), naming %00 since no segment is known there.
                if (status != HttpStatusCode.BadRequest || body.ValueKind != System.Text.Json.JsonValueKind.Object || body.Str("error") != "bad_request" ||
                    !(body.Str("message").Contains(parameter, StringComparison.Ordinal) || (value.Contains("%00", StringComparison.Ordinal) && body.Str("message").Contains("%00", StringComparison.Ordinal))))
                {
                    failures.Add($"{target} ({parameter}) -> {(int)status} {body}");
                }
            }
        }

        failures.Should().BeEmpty(string.Join(Environment.NewLine, failures));
    }

    private static string Cursor(byte[] bytes) => Base64Url.EncodeToString(bytes);
}
