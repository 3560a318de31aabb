using System.Diagnostics;
using KubeAgents.Infrastructure.Persistence.Sqlite;

namespace KubeAgents.UnitTests.Infrastructure;

public class SqliteDatabaseTests
{
    [Fact]
    public void A_start_removes_the_temporary_databases_of_processes_that_are_gone_and_nothing_else()
    {
        var directory = Directory.CreateTempSubdirectory("kubeagents-orphans-");
        try
        {
            using var ended = Process.Start("true")!;
            ended.WaitForExit();
            string[] orphan = [$"kubeagents-{ended.Id}-a.db", $"kubeagents-{ended.Id}-a.db-wal", $"kubeagents-{ended.Id}-a.db-shm"];
            string[] kept = [$"kubeagents-{Environment.ProcessId}-b.db", "kubeagents-notapid-c.db", "other.db"];
            foreach (var name in orphan.Concat(kept))
            {
                File.WriteAllText(Path.Combine(directory.FullName, name), "x");
            }

            SqliteDatabase.RemoveOrphans(directory.FullName);

            directory.GetFiles().Select(f => f.Name).Should().BeEquivalentTo(kept);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
