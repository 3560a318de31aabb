using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace KubeAgents.TestSupport;

/// <summary>
/// A real PostgreSQL server for the tests: the one named by <c>KUBEAGENTS_TEST_POSTGRES</c> (an admin
/// connection string), else a throwaway cluster started from the installed binaries and removed when
/// the test run ends. Without either, PostgreSQL tests are skipped with the reason, unless
/// <c>KUBEAGENTS_REQUIRE_POSTGRES=1</c> (as in CI), which makes them fail instead.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string ConnectionVariable = "KUBEAGENTS_TEST_POSTGRES";
    public const string RequireVariable = "KUBEAGENTS_REQUIRE_POSTGRES";
    public const string BinariesVariable = "KUBEAGENTS_TEST_POSTGRES_BIN";

    /// <summary>In a local cluster's data directory: the test host that made it, as "pid start-time" (<c>/proc/pid/stat</c>'s 22nd field).</summary>
    public const string ClusterOwnerFile = "kubeagents-owner";

    private static readonly Lazy<Task<PostgresServer?>> Shared = new(StartAsync);
    private static string _unavailableReason = "PostgreSQL was not started.";

    private readonly LocalCluster? _cluster;

    private PostgresServer(string adminConnectionString, LocalCluster? cluster)
    {
        AdminConnectionString = adminConnectionString;
        _cluster = cluster;
    }

    public string AdminConnectionString { get; }

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>The server, or a skip (or a failure when required) saying why there is none.</summary>
    public static async Task<PostgresServer> GetOrSkipAsync()
    {
        var server = await Shared.Value;
        if (server is null)
        {
            if (Required)
            {
                throw new InvalidOperationException($"{RequireVariable}=1 but no PostgreSQL: {_unavailableReason}");
            }

            Skip.If(true, $"PostgreSQL unavailable: {_unavailableReason} Set {ConnectionVariable} or install PostgreSQL.");
        }

        return server!;
    }

    /// <summary>
    /// A cluster of the caller's own, which it may stop and start (an outage) without disturbing
    /// other tests. Needs the installed binaries; skips (or fails when required) without them.
    /// </summary>
    public static async Task<PostgresServer> StartDedicatedOrSkipAsync()
    {
        var binDir = LocalCluster.FindBinaries();
        if (binDir is null)
        {
            const string reason = "a dedicated cluster needs initdb/pg_ctl under /usr/lib/postgresql/*/bin or on PATH.";
            if (Required)
            {
                throw new InvalidOperationException($"{RequireVariable}=1 but {reason}");
            }

            Skip.If(true, $"PostgreSQL unavailable: {reason}");
        }

        var cluster = await Task.Run(() => LocalCluster.Create(binDir!));
        return new PostgresServer(cluster.AdminConnectionString, cluster);
    }

    /// <summary>The cluster's data directory, when it is a local cluster of this run's.</summary>
    public string? DataDirectory => _cluster?.DataDirectory;

    /// <summary>
    /// Stops and removes the local clusters earlier runs left behind (see <c>LocalCluster.RemoveLeftovers</c>);
    /// every cluster start does it first.
    /// </summary>
    public static void RemoveLeftoverClusters()
    {
        if (LocalCluster.FindBinaries() is { } binDir)
        {
            LocalCluster.RemoveLeftovers(binDir);
        }
    }

    /// <summary>Removes a dedicated cluster; the shared one is removed when the test run ends.</summary>
    public void Dispose() => _cluster?.Destroy();

    /// <summary>
    /// A new database on the server, empty or a copy of <paramref name="template"/> (a database of this
    /// server that no one is connected to; sessions left on it are ended first); returns its connection string.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string prefix, string? template = null)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        name = name[..Math.Min(name.Length, 48)];
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            if (template is not null)
            {
                await using var disconnect = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", connection);
                disconnect.Parameters.Add(new NpgsqlParameter { Value = template });
                await disconnect.ExecuteNonQueryAsync();
            }

            var from = template is null ? string.Empty : $" TEMPLATE \"{template}\"";
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"{from}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>
    /// A login role with a password; returns a connection string for it to <paramref name="database"/>,
    /// which need not exist. The server's authentication is left as it is (a throwaway cluster trusts
    /// every role: <see cref="CreatePasswordRoleAsync"/> makes the password count).
    /// </summary>
    public async Task<string> CreateRoleAsync(string role, string password, string database, bool mayCreateDatabases)
    {
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            var createDb = mayCreateDatabases ? "CREATEDB" : "NOCREATEDB";
            await using var command = new NpgsqlCommand($"CREATE ROLE \"{role}\" LOGIN {createDb} PASSWORD '{password}'", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Username = role, Password = password, Database = database, Pooling = true }.ConnectionString;
    }

    /// <summary>
    /// A login role on a throwaway cluster that must give its password (SCRAM), where every other role
    /// is trusted: what a production server asks of every role. Returns once the server refuses the
    /// role a wrong password, with a connection string for it to <paramref name="database"/> (which
    /// need not exist; the role may create databases).
    /// </summary>
    public async Task<string> CreatePasswordRoleAsync(string role, string password, string database)
    {
        var cluster = _cluster ?? throw new InvalidOperationException("Only a throwaway cluster's authentication can be changed.");
        var connectionString = await CreateRoleAsync(role, password, database, mayCreateDatabases: true);
        cluster.RequirePassword(role);
        var wrong = new NpgsqlConnectionStringBuilder(connectionString) { Password = password + "-wrong", Pooling = false, Database = "postgres" };

        // pg_ctl reload signals the server, which reads pg_hba.conf again shortly after.
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(50))
        {
            try
            {
                await using var connection = new NpgsqlConnection(wrong.ConnectionString);
                await connection.OpenAsync();
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidPassword)
            {
                return connectionString;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The server still lets {role} in without its password.");
            }
        }
    }

    /// <summary>Stops the throwaway cluster (fast shutdown), as an outage.</summary>
    public void Stop() => (_cluster ?? throw new InvalidOperationException("Only a throwaway cluster can be stopped.")).Stop();

    public void Start() => (_cluster ?? throw new InvalidOperationException("Only a throwaway cluster can be started.")).Start();

    private static async Task<PostgresServer?> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new PostgresServer(external, null);
        }

        var binDir = LocalCluster.FindBinaries();
        if (binDir is null)
        {
            _unavailableReason = $"no initdb/pg_ctl found under /usr/lib/postgresql/*/bin, on PATH or in {BinariesVariable}.";
            return null;
        }

        try
        {
            var cluster = await Task.Run(() => LocalCluster.Create(binDir));
            AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Destroy();
            return new PostgresServer(cluster.AdminConnectionString, cluster);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            _unavailableReason = $"starting a local cluster failed: {ex.Message}";
            return null;
        }
    }

    private sealed class LocalCluster
    {
        private const string DataDirPrefix = "kubeagents-pg-";
        private static readonly TimeSpan LeftoverAge = TimeSpan.FromMinutes(30);

        private readonly string _binDir;
        private readonly string _dataDir;
        private int _port;

        private LocalCluster(string binDir, string dataDir, int port)
        {
            _binDir = binDir;
            _dataDir = dataDir;
            _port = port;
        }

        /// <summary>initdb refuses to run as root: the server and its tools run as the postgres user then.</summary>
        private static bool AsPostgresUser => Environment.UserName == "root";

        public string DataDirectory => _dataDir;

        public string AdminConnectionString =>
            $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Pooling=false;Timeout=5";

        public static string? FindBinaries()
        {
            if (Environment.GetEnvironmentVariable(BinariesVariable) is { Length: > 0 } explicitDir)
            {
                return File.Exists(Path.Combine(explicitDir, "initdb")) ? explicitDir : null;
            }

            var candidates = Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                    .OrderByDescending(d => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : new Version(0, 0))
                : Enumerable.Empty<string>();
            var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':');
            return candidates.Concat(path).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        }

        public static LocalCluster Create(string binDir)
        {
            RemoveLeftovers(binDir);
            var dataDir = Path.Combine(Path.GetTempPath(), $"{DataDirPrefix}{Guid.NewGuid():N}"[..32]);
            Directory.CreateDirectory(dataDir);
            if (AsPostgresUser)
            {
                Run("chown", ["postgres:postgres", dataDir]);
                Run("chmod", ["700", dataDir]);
            }

            var cluster = new LocalCluster(binDir, dataDir, FreePort());
            cluster.Pg("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
            File.WriteAllText(Path.Combine(dataDir, ClusterOwnerFile), ProcessIdentity(Environment.ProcessId));
            cluster.StartOnAFreePort();
            return cluster;
        }

        /// <summary>
        /// The first start. The port was free when <see cref="FreePort"/> looked, but another process (a
        /// test's listener, another run's cluster) can take it before the postmaster binds it, which
        /// failed a CI run once: such a start is tried again on another port. Later starts (after an
        /// outage a test made) keep the port the connection strings already name.
        /// </summary>
        private void StartOnAFreePort()
        {
            var log = Path.Combine(_dataDir, "server.log");
            for (var attempt = 1; ; attempt++)
            {
                var logged = File.Exists(log) ? new FileInfo(log).Length : 0;
                try
                {
                    Start();
                    return;
                }
                catch (InvalidOperationException) when (attempt < 5 && LoggedSince(log, logged).Contains("Address already in use", StringComparison.Ordinal))
                {
                    _port = FreePort();
                }
            }
        }

        private static string LoggedSince(string log, long offset)
        {
            using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(offset, SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }

        /// <summary>
        /// Removes the clusters earlier test runs left behind. A run removes its own when it ends,
        /// but the test host can be ended before that finishes (killed, or timed out), and each
        /// cluster holds 1–1.5 GB (a database per test) and a running server: a few hundred runs
        /// filled a disk. A cluster whose owner (<see cref="ClusterOwnerFile"/>) is gone is stopped and
        /// removed. One without that file (being created, or from before it) is left alone while its
        /// postmaster lives or for <see cref="LeftoverAge"/> after its last change, so a cluster another
        /// run is still creating or has stopped for an outage is never touched.
        /// </summary>
        public static void RemoveLeftovers(string binDir)
        {
            foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), $"{DataDirPrefix}*"))
            {
                var leftover = OwnerGone(dir) ?? (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(dir) >= LeftoverAge && !PostmasterRuns(dir));
                if (leftover)
                {
                    new LocalCluster(binDir, dir, 0).Destroy();
                }
            }
        }

        /// <summary>Whether the test host that made the cluster has ended; null when the cluster names none.</summary>
        private static bool? OwnerGone(string dataDir)
        {
            try
            {
                var owner = Path.Combine(dataDir, ClusterOwnerFile);
                if (!File.Exists(owner))
                {
                    return null;
                }

                var recorded = File.ReadAllText(owner).Trim();
                return !int.TryParse(recorded.Split(' ')[0], out var pid) || ProcessIdentity(pid) != recorded;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        /// <summary>"pid start-time": a process id is reused, the pair is not. Empty when no such process runs.</summary>
        private static string ProcessIdentity(int pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                // After the command name, in parentheses (it may hold spaces): state is field 3, start time field 22.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return $"{pid} {fields[19]}";
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return string.Empty;
            }
        }

        private static bool PostmasterRuns(string dataDir)
        {
            var pidFile = Path.Combine(dataDir, "postmaster.pid");
            try
            {
                var firstLine = File.Exists(pidFile) ? File.ReadLines(pidFile).FirstOrDefault() : null;
                return int.TryParse(firstLine, out var pid) && Directory.Exists($"/proc/{pid}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return true;
            }
        }

        public void Start() => Pg("pg_ctl", [
            "-D", _dataDir, "-l", Path.Combine(_dataDir, "server.log"), "-w", "-t", "60", "start",
            "-o", $"-p {_port} -k {_dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300",
        ]);

        public void Stop() => Pg("pg_ctl", ["-D", _dataDir, "-m", "fast", "-w", "stop"]);

        /// <summary>The role's TCP connections must give a password; the first matching line of pg_hba.conf wins.</summary>
        public void RequirePassword(string role)
        {
            var hba = Path.Combine(_dataDir, "pg_hba.conf");
            File.WriteAllText(hba, $"host all \"{role}\" 127.0.0.1/32 scram-sha-256\n" + File.ReadAllText(hba));
            Pg("pg_ctl", ["-D", _dataDir, "reload"]);
        }

        public void Destroy()
        {
            try
            {
                Pg("pg_ctl", ["-D", _dataDir, "-m", "immediate", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Already stopped.
            }

            try
            {
                Directory.Delete(_dataDir, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left in the temp folder: the next run's RemoveLeftovers takes it.
            }
        }

        private void Pg(string tool, string[] args)
        {
            var executable = Path.Combine(_binDir, tool);
            if (AsPostgresUser)
            {
                Run("runuser", ["-u", "postgres", "--", executable, .. args]);
            }
            else
            {
                Run(executable, args);
            }
        }

        private static void Run(string file, string[] args)
        {
            var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{file} timed out");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {stderr.Result}{stdout.Result}");
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
