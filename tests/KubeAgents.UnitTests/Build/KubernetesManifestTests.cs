using KubeAgents.Api.Authentication;
using KubeAgents.Api.Configuration;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.Application.Common.Settings;
using KubeAgents.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace KubeAgents.UnitTests.Build;

/// <summary>
/// deploy/kubernetes, checked without a cluster: the shape operators rely on (replicas, probes,
/// hardening) and settings the service itself accepts. yamllint (CI) checks the syntax and style.
/// </summary>
public class KubernetesManifestTests
{
    private static readonly Dictionary<string, YamlMappingNode> Manifests = Load();

    [Fact]
    public void Deployment_runs_two_replicas_probed_on_health_and_health_ready()
    {
        var deployment = Manifests["Deployment"];
        Scalar(deployment, "spec", "replicas").Should().Be("2");
        var container = Container();
        Scalar(container, "livenessProbe", "httpGet", "path").Should().Be("/health");
        Scalar(container, "readinessProbe", "httpGet", "path").Should().Be("/health/ready");
        foreach (var bound in new[] { "requests", "limits" })
        {
            Scalar(container, "resources", bound, "cpu").Should().NotBeNullOrEmpty();
            Scalar(container, "resources", bound, "memory").Should().NotBeNullOrEmpty();
        }
    }

    [Fact]
    public void Pods_run_as_non_root_on_a_read_only_filesystem_without_capabilities()
    {
        var pod = Node(Manifests["Deployment"], "spec", "template", "spec");
        Scalar(pod, "securityContext", "runAsNonRoot").Should().Be("true");
        var container = Container();
        Scalar(container, "securityContext", "readOnlyRootFilesystem").Should().Be("true");
        Scalar(container, "securityContext", "allowPrivilegeEscalation").Should().Be("false");
        ((YamlSequenceNode)Node(container, "securityContext", "capabilities", "drop")).Children
            .Select(c => ((YamlScalarNode)c).Value).Should().Equal("ALL");

        // The one writable place: /tmp, an emptyDir.
        var mount = ((YamlSequenceNode)Node(container, "volumeMounts")).Children.Cast<YamlMappingNode>().Single();
        Scalar(mount, "mountPath").Should().Be("/tmp");
        var volume = ((YamlSequenceNode)Node(pod, "volumes")).Children.Cast<YamlMappingNode>()
            .Single(v => Scalar(v, "name") == Scalar(mount, "name"));
        volume.Children.Should().ContainKey(new YamlScalarNode("emptyDir"));
    }

    [Fact]
    public void Termination_grace_covers_the_drain_and_the_shutdown_timeout()
    {
        var settings = Settings();
        var drain = settings.ReadSettings<ShutdownOptions>().Drain;
        drain.Should().BePositive("readiness must fail before the pod stops listening");
        var grace = int.Parse(Scalar(Manifests["Deployment"], "spec", "template", "spec", "terminationGracePeriodSeconds")!, System.Globalization.CultureInfo.InvariantCulture);
        TimeSpan.FromSeconds(grace).Should().BeGreaterThan(drain + ShutdownOptions.StopTimeout);
        // A drain of at least one readiness period, so the probe sees the 503.
        var period = int.Parse(Scalar(Container(), "readinessProbe", "periodSeconds")!, System.Globalization.CultureInfo.InvariantCulture);
        drain.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(period));
    }

    [Fact]
    public void Settings_are_ones_the_service_accepts_with_postgres_for_replicas()
    {
        var settings = Settings();

        DatabaseSettings.GetPostgresConnectionString(settings).Should().Contain("Host=postgres");
        settings.ReadSettings<ApiOptions>().Port.Should().Be(8080);
        settings.ReadSettings<LogOptions>().Json.Should().BeTrue();
        Scalar(Manifests["Secret"], "stringData", "DB_PASSWORD").Should().Contain("CHANGE-ME", "the committed secret is a marked placeholder");
    }

    [Fact]
    public void The_cluster_runs_with_keys_and_an_unreplaced_bootstrap_key_stops_start_up()
    {
        var settings = Settings();

        var read = () => settings.ReadSettings<AuthOptions>();

        read.Should().Throw<InvalidConfigurationException>("a placeholder must never become a key")
            .WithMessage("BOOTSTRAP_ADMIN_KEY is not a KubeAgents key*");
        settings[AuthOptions.BootstrapKeyKey] = ApiKeySecret.Generate();
        settings.ReadSettings<AuthOptions>().Mode.Should().Be(AuthMode.Keys, "a deployment reachable by the cluster is never open");
    }

    [Fact]
    public void Service_and_disruption_budget_select_the_deployment_pods()
    {
        var podLabels = (YamlMappingNode)Node(Manifests["Deployment"], "spec", "template", "metadata", "labels");
        var serviceSelector = (YamlMappingNode)Node(Manifests["Service"], "spec", "selector");
        var budgetSelector = (YamlMappingNode)Node(Manifests["PodDisruptionBudget"], "spec", "selector", "matchLabels");

        podLabels.Children.Should().Contain(serviceSelector.Children);
        podLabels.Children.Should().Contain(budgetSelector.Children);
        Scalar(Manifests["PodDisruptionBudget"], "spec", "minAvailable").Should().Be("1");
        var servicePort = ((YamlSequenceNode)Node(Manifests["Service"], "spec", "ports")).Children.Cast<YamlMappingNode>().Single();
        var containerPort = ((YamlSequenceNode)Node(Container(), "ports")).Children.Cast<YamlMappingNode>().Single();
        Scalar(servicePort, "targetPort").Should().Be(Scalar(containerPort, "name"));
    }

    private static IConfiguration Settings()
    {
        var values = new Dictionary<string, string?>();
        foreach (var (kind, section) in new[] { ("ConfigMap", "data"), ("Secret", "stringData") })
        {
            foreach (var (key, value) in ((YamlMappingNode)Node(Manifests[kind], section)).Children)
            {
                values[((YamlScalarNode)key).Value!] = ((YamlScalarNode)value).Value;
            }
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    private static YamlMappingNode Container() =>
        ((YamlSequenceNode)Node(Manifests["Deployment"], "spec", "template", "spec", "containers")).Children.Cast<YamlMappingNode>().Single();

    private static YamlNode Node(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            node = ((YamlMappingNode)node).Children[new YamlScalarNode(key)];
        }

        return node;
    }

    private static string? Scalar(YamlNode node, params string[] path) => (Node(node, path) as YamlScalarNode)?.Value;

    private static Dictionary<string, YamlMappingNode> Load()
    {
        var directory = Path.Combine(RepositoryRoot(), "deploy", "kubernetes");
        var manifests = new Dictionary<string, YamlMappingNode>();
        foreach (var file in Directory.GetFiles(directory, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml"))
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(file);
            stream.Load(reader);
            foreach (var document in stream.Documents)
            {
                var root = (YamlMappingNode)document.RootNode;
                manifests.Add(((YamlScalarNode)root.Children[new YamlScalarNode("kind")]).Value!, root);
            }
        }

        return manifests;
    }

    private static string RepositoryRoot()
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
