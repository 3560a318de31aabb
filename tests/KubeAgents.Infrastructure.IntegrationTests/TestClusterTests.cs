using System.Diagnostics;
using KubeAgents.TestSupport;
using Npgsql;

namespace KubeAgents.Infrastructure.IntegrationTests;

/// <summary>
/// The throwaway PostgreSQL clusters the tests start: one whose test host was killed before it could
/// remove it is stopped and removed by the next run, not left serving and holding its disk.
/// </summary>
public class TestClusterTests
{
    [SkippableFact]
    public async Task A_cluster_whose_test_host_is_gone_is_stopped_and_removed_and_the_live_ones_are_left()
    {
        var orphan = await PostgresServer.StartDedicatedOrSkipAsync(); // not disposed: its owner is "killed" below
        using var kept = await PostgresServer.StartDedicatedOrSkipAsync();
        var dataDir = orphan.DataDirectory!;
        (await CanConnectAsync(orphan)).Should().BeTrue();

        // A process that has ended stands for the killed test host.
        using (var ended = Process.Start("true")!)
        {
            await ended.WaitForExitAsync();
            await File.WriteAllTextAsync(Path.Combine(dataDir, PostgresServer.ClusterOwnerFile), $"{ended.Id} 0");
        }

        PostgresServer.RemoveLeftoverClusters();

        Directory.Exists(dataDir).Should().BeFalse("the orphan's data directory is removed");
        (await CanConnectAsync(orphan)).Should().BeFalse("its server is stopped");
        (await CanConnectAsync(kept)).Should().BeTrue("a cluster this live test host owns is left alone");
        Directory.Exists(kept.DataDirectory).Should().BeTrue();
    }

    private static async Task<bool> CanConnectAsync(PostgresServer server)
    {
        try
        {
            await using var connection = new NpgsqlConnection(server.AdminConnectionString);
            await connection.OpenAsync();
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }
}
