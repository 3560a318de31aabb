using System.Text.RegularExpressions;
using NJsonSchema;
using NJsonSchema.CodeGeneration;
using NJsonSchema.CodeGeneration.CSharp;
using NSwag;
using NSwag.CodeGeneration;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;

// Usage: KubeAgents.ClientGenerator <openapi.json> <output.cs>
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: KubeAgents.ClientGenerator <openapi.json> <output.cs>");
    return 2;
}

var document = await OpenApiDocument.FromFileAsync(args[0]);
var settings = new CSharpClientGeneratorSettings
{
    ClassName = "{controller}Client",
    OperationNameGenerator = new MultipleClientsFromOperationIdOperationNameGenerator(),
    GenerateClientInterfaces = true,
    InjectHttpClient = true,
    UseBaseUrl = false,
    DisposeHttpClient = false,
    GenerateOptionalParameters = true,
    ExceptionClass = "KubeAgentsApiException",
    ParameterNameGenerator = new CamelCaseParameterNameGenerator(),
    CSharpGeneratorSettings =
    {
        Namespace = "KubeAgents.Client",
        JsonLibrary = CSharpJsonLibrary.SystemTextJson,
        GenerateNullableReferenceTypes = true,
        GenerateOptionalPropertiesAsNullable = true,
        GenerateDataAnnotations = false,
        DateTimeType = "System.DateTimeOffset",
        ArrayType = "System.Collections.Generic.IReadOnlyList",
        ArrayInstanceType = "System.Collections.Generic.List",
        ClassStyle = CSharpClassStyle.Poco,
        PropertyNameGenerator = new PascalCasePropertyNameGenerator(),
    },
};

var code = new CSharpClientGenerator(document, settings).GenerateFile();

// System.Text.Json ignores [EnumMember] (which the client still uses for query strings); .NET 9's
// JsonStringEnumMemberName gives enum values their wire names ("running") in bodies too.
code = EnumMember().Replace(code, match =>
    $"{match.Value}\n        [System.Text.Json.Serialization.JsonStringEnumMemberName({match.Groups["name"].Value})]");

// A property's converter does not reach the items of a list (scopes: [ApiScope]); one on the enum does.
code = EnumDeclaration().Replace(code, match =>
    $"    [System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<{match.Groups["name"].Value}>))]\n{match.Value}");

var output = Path.GetFullPath(args[1]);
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
await File.WriteAllTextAsync(output, code);
Console.WriteLine($"KubeAgents client generated: {output}");
return 0;

internal static partial class Program
{
    [GeneratedRegex("""\[System\.Runtime\.Serialization\.EnumMember\(Value = (?<name>@"[^"]*")\)\]""")]
    private static partial Regex EnumMember();

    [GeneratedRegex("""^    public enum (?<name>\w+)$""", RegexOptions.Multiline)]
    private static partial Regex EnumDeclaration();
}

/// <summary><c>agent_id</c> becomes <c>AgentId</c>: idiomatic C# names, the wire names kept in [JsonPropertyName].</summary>
internal sealed partial class PascalCasePropertyNameGenerator : IPropertyNameGenerator
{
    public string Generate(JsonSchemaProperty property) => Pascal(property.Name);

    internal static string Pascal(string name) =>
        string.Concat(Separators().Split(name).Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    [GeneratedRegex("[_\\-. ]")]
    private static partial Regex Separators();
}

/// <summary><c>agent_id</c> becomes the parameter <c>agentId</c>.</summary>
internal sealed class CamelCaseParameterNameGenerator : IParameterNameGenerator
{
    public string Generate(OpenApiParameter parameter, IEnumerable<OpenApiParameter> allParameters)
    {
        var pascal = PascalCasePropertyNameGenerator.Pascal(parameter.Name);
        return char.ToLowerInvariant(pascal[0]) + pascal[1..];
    }
}
