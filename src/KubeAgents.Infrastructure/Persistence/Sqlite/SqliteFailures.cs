using Microsoft.Data.Sqlite;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The embedded store is unavailable, not broken, when its file cannot take a write for now: the
/// write lock stayed taken past the busy timeout, or the disk is full, read-only or failing. Like a
/// PostgreSQL outage, these answer 503 with <c>Retry-After</c> and are logged as one line an
/// interval; the failed transaction is rolled back, so nothing acknowledged is lost.
/// </summary>
internal sealed class SqliteFailures : StoreFailureClassifier
{
    // https://www.sqlite.org/rescode.html (primary codes; extended codes keep them in the low byte).
    private const int SQLITE_BUSY = 5;
    private const int SQLITE_LOCKED = 6;
    private const int SQLITE_READONLY = 8;
    private const int SQLITE_IOERR = 10;
    private const int SQLITE_FULL = 13;

    public override bool IsUnavailable(Exception exception) =>
        AnyInChain(exception, e => e is SqliteException sqlite && (sqlite.SqliteErrorCode & 0xFF) is SQLITE_BUSY or SQLITE_LOCKED or SQLITE_READONLY or SQLITE_IOERR or SQLITE_FULL);

    /// <summary>The engine is in this process: a <c>COMMIT</c> it answered with an error (full, busy, I/O) did not commit.</summary>
    public override bool IsRefusedCommit(Exception exception) => exception is SqliteException;

    protected override bool IsCause(Exception exception) => exception is SqliteException;
}
