namespace KubeAgents.Domain.Sessions;

/// <summary>One report in a session's history. Entries are never changed once written.</summary>
public sealed class StatusEntry
{
    public const int MaxMessageLength = 1000;
    public const int MaxContentLength = 10000;

    // For EF Core.
    private StatusEntry()
    {
        AgentId = null!;
    }

    internal StatusEntry(Session session, StatusReport report, DateTimeOffset receivedAt)
    {
        Session = session;
        AgentId = session.AgentId;
        Status = report.Status;
        Timestamp = report.Timestamp;
        Message = report.Message;
        Content = report.Content;
        ReceivedAt = receivedAt;
    }

    /// <summary>Store-assigned; increases with arrival, so it breaks timestamp ties in favour of the later report.</summary>
    public long Id { get; private set; }

    public long SessionId { get; private set; }

    public Session? Session { get; private set; }

    /// <summary>Copied from the session so an agent's history across sessions is one index range.</summary>
    public string AgentId { get; private set; }

    public SessionStatus Status { get; private set; }

    public DateTimeOffset Timestamp { get; private set; }

    public string? Message { get; private set; }

    public string? Content { get; private set; }

    /// <summary>When the service accepted the report (server clock).</summary>
    public DateTimeOffset ReceivedAt { get; private set; }
}
