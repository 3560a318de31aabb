using System.Data.Common;
using System.Globalization;
using KubeAgents.Application.Common.Settings;
using KubeAgents.Infrastructure.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Where the embedded store lives and how its connections are set up.
/// </summary>
/// <remarks>
/// <para>
/// <c>DB_FILE</c>: that file, in WAL mode with <c>synchronous=FULL</c>: a commit is on disk before
/// the report is acknowledged, and the file survives restarts and kill -9.
/// </para>
/// <para>
/// Otherwise "in memory": a WAL database on a temporary file with <c>synchronous=OFF</c> (nothing is
/// flushed; the OS page cache holds it), deleted when the service stops. Not a shared-cache
/// <c>:memory:</c> database: that takes table-level locks, so a read during a write can fail with
/// <c>SQLITE_LOCKED</c>; WAL gives readers a snapshot while the one writer commits.
/// </para>
/// </remarks>
public sealed class SqliteDatabase : IDisposable
{
    private SqliteDatabase(string path, bool temporary)
    {
        Path = path;
        IsTemporary = temporary;
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // How long a statement waits for the write lock (the sweeper, the writer, a claim) before it fails.
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString();
        _synchronous = temporary ? "OFF" : "FULL";
        Setup = new ConnectionSetup(this);
        // This database's own: each database has its own write lock (tests run many in one process).
        WriteGating = new SqliteWriteGating(new SqliteWriteGate(TimeSpan.FromSeconds(BusyTimeoutSeconds)));
    }

    /// <summary>How long a writer waits for the write lock, in the gate and then in SQLite, before it fails as busy.</summary>
    private const int BusyTimeoutSeconds = 30;

    public string Path { get; }

    /// <summary>True for the default store, which lives and dies with the process.</summary>
    public bool IsTemporary { get; }

    public string ConnectionString { get; }

    private readonly string _synchronous;

    /// <summary>Applies the per-connection settings (<see cref="Configure"/>) each time EF opens a connection.</summary>
    internal DbConnectionInterceptor Setup { get; }

    /// <summary>Queues this process's writers to the database in arrival order (<see cref="SqliteWriteGate"/>).</summary>
    internal SqliteWriteGating WriteGating { get; }

    private const string TemporaryPrefix = "kubeagents-";

    /// <param name="file">The <c>DB_FILE</c> path, or null for a temporary database.</param>
    public static SqliteDatabase Open(string? file)
    {
        if (file is not null)
        {
            return new SqliteDatabase(System.IO.Path.GetFullPath(file), temporary: false);
        }

        var directory = System.IO.Path.GetTempPath();
        RemoveOrphans(directory);
        return new SqliteDatabase(System.IO.Path.Combine(directory, $"{TemporaryPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}.db"), temporary: true);
    }

    /// <summary>
    /// Refuses, before anything starts, a <c>DB_FILE</c> the store could not use: a directory, a file
    /// that is not a SQLite database, a place it cannot create, lock or write (read-only, full). One
    /// line naming the setting and the cause, as for any invalid setting, instead of a failure of
    /// the first migration with SQLite's stack trace. What fails later (the disk fills up while the
    /// service runs) is an outage: 503 and retry (<see cref="SqliteFailures"/>).
    /// </summary>
    public static void Probe(string file)
    {
        var path = System.IO.Path.GetFullPath(file);
        if (Directory.Exists(path))
        {
            throw Unusable(path, "it is a directory");
        }

        try
        {
            if (System.IO.Path.GetDirectoryName(path) is { Length: > 0 } directory)
            {
                Directory.CreateDirectory(directory);
            }

            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            // Reads the header (a file that is not a database fails here), writes it when new, and
            // takes the write lock once, as the writer will.
            command.CommandText = "PRAGMA journal_mode = WAL; BEGIN IMMEDIATE; ROLLBACK;";
            command.ExecuteNonQuery();
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw Unusable(path, ex.Message.TrimEnd('.'));
        }
    }

    private static InvalidConfigurationException Unusable(string path, string cause) =>
        new($"{DatabaseSettings.FileKey} ({path}) cannot be used: {cause}.");

    /// <summary>
    /// A process killed outright (kill -9, an OOM kill) cannot remove its temporary database: the next
    /// start removes those whose process is gone. A live process's files, ours or another's that
    /// reused the id, are left alone.
    /// </summary>
    internal static void RemoveOrphans(string directory)
    {
        foreach (var path in Directory.EnumerateFiles(directory, TemporaryPrefix + "*.db*"))
        {
            var name = System.IO.Path.GetFileName(path);
            var dash = name.IndexOf('-', TemporaryPrefix.Length);
            if (dash < 0 || !int.TryParse(name.AsSpan(TemporaryPrefix.Length, dash - TemporaryPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || IsRunning(pid))
            {
                continue;
            }

            TryDelete(path);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a temporary file left behind holds nothing anyone needs.
        }
    }

    public void Dispose()
    {
        if (!IsTemporary)
        {
            return;
        }

        // Pooled connections keep the file open; close them before removing it and its WAL.
        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            TryDelete(Path + suffix);
        }
    }

    /// <summary>What every connection to this database gets once open: EF's through <see cref="Setup"/>, the migration's plain one directly.</summary>
    internal void Configure(SqliteConnection connection)
    {
        // SQLite's own lower() folds ASCII only; the search filter must fold any letter, as
        // PostgreSQL's does. Deterministic, so SQLite may use it freely.
        connection.CreateFunction("lower", (string? value) => value?.ToLower(CultureInfo.InvariantCulture), isDeterministic: true);
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA synchronous = {_synchronous};";
        command.ExecuteNonQuery();
    }

    private sealed class ConnectionSetup(SqliteDatabase database) : DbConnectionInterceptor
    {
        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
            database.Configure((SqliteConnection)connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            database.Configure((SqliteConnection)connection);
            return Task.CompletedTask;
        }
    }
}
