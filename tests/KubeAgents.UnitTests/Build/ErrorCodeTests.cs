using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using KubeAgents.Api.Errors;

namespace KubeAgents.UnitTests.Build;

/// <summary>
/// Every error code of the contract (<see cref="ErrorCode.All"/>): its status, its line in docs/api.md's
/// error table, its name in the OpenAPI document's error schema; and <see cref="ErrorWriter"/> is the only
/// code that makes an error body or picks an error's status.
/// </summary>
public partial class ErrorCodeTests
{
    private static readonly Dictionary<string, int> Expected = new(StringComparer.Ordinal)
    {
        ["bad_request"] = 400,
        ["unauthorized"] = 401,
        ["forbidden"] = 403,
        ["not_found"] = 404,
        ["method_not_allowed"] = 405,
        ["payload_too_large"] = 413,
        ["unsupported_media_type"] = 415,
        ["rate_limited"] = 429,
        ["internal_error"] = 500,
        ["unavailable"] = 503,
    };

    public static TheoryData<string> Codes => [.. ErrorCode.All.Select(c => c.Name)];

    [Fact]
    public void The_table_holds_the_contract_codes_each_once()
    {
        ErrorCode.All.Select(c => c.Name).Should().BeEquivalentTo(Expected.Keys);
        ErrorCode.All.Select(c => c.Status).Should().OnlyHaveUniqueItems("a status names one code, so a framework-made status finds its body");
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void Each_code_answers_its_status_and_is_documented(string name)
    {
        var code = ErrorCode.All.Single(c => c.Name == name);
        var documented = DocumentedCodes();
        var schema = JsonNode.Parse(Repository.Read("src/KubeAgents.Client/openapi.json"))!["components"]!["schemas"]!["ErrorResponse"]!;

        code.Status.Should().Be(Expected[name]);
        ErrorCode.ForStatus(code.Status).Should().BeSameAs(code);
        documented.Should().Contain((code.Status, name), "docs/api.md's error table has a line '| {0} | `{1}` | ... |'", code.Status, name);
        schema["properties"]!["error"]!["description"]!.GetValue<string>().Should().Contain(name, "the OpenAPI error schema lists every code");
    }

    [Fact]
    public void Docs_list_no_code_the_table_lacks()
    {
        DocumentedCodes().Select(row => row.Code).Should().BeEquivalentTo(ErrorCode.All.Select(c => c.Name));
    }

    [Fact]
    public void Only_the_writer_makes_an_error_body_or_its_headers()
    {
        var api = Path.Combine(Repository.Root, "src", "KubeAgents.Api");
        var writers = Directory.EnumerateFiles(api, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(file => Path.GetFileName(file) is not ("ErrorWriter.cs" or "ErrorCode.cs" or "McpAnswers.cs"))
            .Where(file => File.ReadLines(file).Any(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal) && ErrorBodyOrHeader().IsMatch(line)))
            .Select(file => Path.GetRelativePath(api, file))
            .ToList();

        writers.Should().BeEmpty("an error answer is written by ErrorWriter (McpAnswers writes the in-protocol refusal it hands over)");
    }

    private static List<(int Status, string Code)> DocumentedCodes() =>
        [.. DocsErrorRow().Matches(Repository.Read("docs/api.md")).Select(m => (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[2].Value))];

    [GeneratedRegex(@"^\| (\d{3}) \| `([a-z_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex DocsErrorRow();

    /// <summary>A body made by hand, a code spelled as text, ProblemDetails, or an error header set outside the writer.</summary>
    [GeneratedRegex(@"new ErrorResponse\(|""(bad_request|unauthorized|forbidden|not_found|method_not_allowed|payload_too_large|unsupported_media_type|rate_limited|internal_error|unavailable)""|new ProblemDetails|Headers\.RetryAfter|Headers\.WWWAuthenticate")]
    private static partial Regex ErrorBodyOrHeader();
}
