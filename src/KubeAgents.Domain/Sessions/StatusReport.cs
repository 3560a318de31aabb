namespace KubeAgents.Domain.Sessions;

/// <summary>What one report says about a session, already validated.</summary>
/// <param name="Timestamp">The client's instant for the status; orders the history.</param>
/// <param name="TtlMinutes">0 keeps the session's TTL (or the default for a new session).</param>
public sealed record StatusReport(
    SessionStatus Status,
    DateTimeOffset Timestamp,
    string? Message,
    string? Content,
    int TtlMinutes);
