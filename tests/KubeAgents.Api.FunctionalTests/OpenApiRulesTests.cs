using System.Net;
using System.Reflection;
using System.Text.Json;
using KubeAgents.Application.Reports.Commands.ReportStatus;
using KubeAgents.Domain.Sessions;
using KubeAgents.TestSupport;
using KubeAgents.TestSupport.Contract;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NSwag;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// The committed document's rules are the validators' rules, read from the document and tried on the
/// validators (the body) and on the service (query parameters), at and beyond each limit: a limit
/// changed on one side only fails here.
/// </summary>
[Collection(ApiCollection.Name)]
public class OpenApiRulesTests
{
    private static readonly ReportStatusValidator Validator = new();

    private static readonly ReportStatusCommand Valid = new()
    {
        AgentId = "rules",
        SessionTopic = "t",
        Status = SessionStatus.Running,
        Timestamp = KubeAgentsApi.Epoch,
    };

    private static JsonSchema Report => ContractDocument.Document.Components.Schemas["ReportStatusCommand"];

    public static TheoryData<string> ReportProperties()
    {
        var data = new TheoryData<string>();
        foreach (var name in Report.Properties.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void Every_report_member_of_the_document_is_a_member_of_the_command_and_back()
    {
        var commandMembers = typeof(ReportStatusCommand).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name));

        Report.Properties.Keys.Should().BeEquivalentTo(commandMembers);
    }

    [Theory]
    [MemberData(nameof(ReportProperties))]
    public void A_report_member_is_required_in_the_document_exactly_when_the_validator_refuses_it_missing(string name)
    {
        var refused = Errors(With(name, null)).Any(e => e.StartsWith(name, StringComparison.Ordinal));

        Report.RequiredProperties.Contains(name).Should().Be(refused);
        Report.Properties[name].IsNullable(SchemaType.OpenApi3).Should().Be(!refused, "an optional member may be sent as null");
    }

    [Theory]
    [MemberData(nameof(ReportProperties))]
    public void A_report_members_length_limits_are_the_validators(string name)
    {
        var property = Report.Properties[name];
        if (!property.Type.HasFlag(JsonObjectType.String) || property.Format is not null)
        {
            property.MaxLength.Should().BeNull();
            return;
        }

        property.MaxLength.Should().NotBeNull($"{name} has a length limit");
        var max = property.MaxLength!.Value;
        Errors(With(name, new string('x', max))).Should().BeEmpty($"{name} of {max} characters is valid");
        Errors(With(name, new string('x', max + 1))).Should().ContainSingle().Which.Should().StartWith(name);

        var min = property.MinLength ?? 0;
        Errors(With(name, new string('x', Math.Max(min, 1)))).Should().BeEmpty();
        if (min > 0)
        {
            Errors(With(name, new string('x', min - 1))).Should().NotBeEmpty($"{name} shorter than {min} is refused");
        }
        else
        {
            Errors(With(name, string.Empty)).Should().BeEmpty($"{name} may be empty");
        }

        // Whitespace-only text is accepted (as the original did): the document must not say otherwise.
        property.Pattern.Should().BeNull();
        Errors(With(name, " ")).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(ReportProperties))]
    public void A_report_members_forbidden_values_are_the_validators(string name)
    {
        var property = Report.Properties[name];
        var forbidden = property.Not?.Enumeration.Select(v => (string)v!).ToArray() ?? [];
        foreach (var value in new[] { ".", ".." })
        {
            if (property.Type.HasFlag(JsonObjectType.String) && property.Format is null)
            {
                var refused = Errors(With(name, value)).Any();
                refused.Should().Be(forbidden.Contains(value), $"the document and the validator agree on {name} = '{value}'");
            }
        }
    }

    [Fact]
    public void The_ttl_range_is_the_validators()
    {
        var ttl = Report.Properties["ttl_minutes"];
        var (min, max) = ((int)ttl.Minimum!.Value, (int)ttl.Maximum!.Value);

        Errors(With("ttl_minutes", min)).Should().BeEmpty();
        Errors(With("ttl_minutes", max)).Should().BeEmpty();
        Errors(With("ttl_minutes", min - 1)).Should().ContainSingle().Which.Should().StartWith("ttl_minutes");
        Errors(With("ttl_minutes", max + 1)).Should().ContainSingle().Which.Should().StartWith("ttl_minutes");
    }

    [Fact]
    public void The_status_enum_is_the_validators()
    {
        var names = Report.Properties["status"].ActualSchema.Enumeration.Select(v => (string)v!);

        names.Should().Equal(SessionStatusExtensions.WireNames);
    }

    /// <summary>Every bounded integer query parameter, tried on the service at and beyond its bounds.</summary>
    [SkippableTheory]
    [BothStores]
    public async Task Query_parameter_ranges_are_the_services(StoreKind store)
    {
        // Keys mode: /api/notifications is an admin endpoint, and open mode administers nothing.
        await using var api = await KubeAgentsApi.StartWithKeyAsync(store);
        var client = api.CreateWireClient();
        var agent = Unique("range");
        const string topic = "t/ü";
        await client.ReportAsync(agent, topic, "running", api.Clock.GetUtcNow());

        var tried = 0;
        foreach (var (template, item) in ContractDocument.Document.Paths)
        {
            if (!item.TryGetValue(OpenApiOperationMethod.Get, out var operation))
            {
                continue;
            }

            var path = template.Replace("{agent_id}", Uri.EscapeDataString(agent), StringComparison.Ordinal)
                .Replace("{session_topic}", Uri.EscapeDataString(topic), StringComparison.Ordinal);
            foreach (var parameter in operation.Parameters.Where(p => p.Kind == OpenApiParameterKind.Query && p.Schema.Type.HasFlag(JsonObjectType.Integer)))
            {
                parameter.Schema.Minimum.Should().NotBeNull($"{template} {parameter.Name} states its range");
                parameter.Schema.Maximum.Should().NotBeNull($"{template} {parameter.Name} states its range");
                var (min, max) = ((int)parameter.Schema.Minimum!.Value, (int)parameter.Schema.Maximum!.Value);
                foreach (var (value, expected) in new[] { (min, HttpStatusCode.OK), (max, HttpStatusCode.OK), (min - 1, HttpStatusCode.BadRequest), (max + 1, HttpStatusCode.BadRequest) })
                {
                    var (status, body) = await client.GetRawAsync($"{path}?{parameter.Name}={value}");
                    status.Should().Be(expected, $"{template}?{parameter.Name}={value}: {body}");
                    tried++;
                }
            }
        }

        tried.Should().Be(ContractRulesPageSizes * 4);
    }

    [Fact]
    public void Every_example_validates_against_its_own_schema()
    {
        var examples = 0;
        foreach (var (schemaName, schema) in ContractDocument.Document.Components.Schemas)
        {
            foreach (var (name, property) in schema.ActualProperties)
            {
                if (property.Example is not null)
                {
                    property.Validate(JToken.FromObject(property.Example), SchemaType.OpenApi3)
                        .Should().BeEmpty($"the example of {schemaName}.{name} is valid");
                    examples++;
                }
            }

            if (schema.Example is not null)
            {
                schema.Validate(JToken.FromObject(schema.Example), SchemaType.OpenApi3).Should().BeEmpty($"the example of {schemaName} is valid");
                examples++;
            }
        }

        examples.Should().BeGreaterThan(0);
    }

    private const int ContractRulesPageSizes = 5;

    private static string[] Errors(ReportStatusCommand command) =>
        [.. Validator.Validate(command).Errors.Select(e => e.ErrorMessage)];

    private static ReportStatusCommand With(string wireName, object? value)
    {
        var property = typeof(ReportStatusCommand).GetProperties()
            .Single(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name) == wireName);
        var command = Valid with { };
        property.SetValue(command, value);
        return command;
    }
}
