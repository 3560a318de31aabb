namespace KubeAgents.Domain.Sessions;

/// <summary>What recording one report did to a session.</summary>
/// <param name="Entry">The history entry that was appended.</param>
/// <param name="BecameCurrent">False for an out-of-order report older than the current status.</param>
/// <param name="PreviousStatus">The current status before the report, if any.</param>
/// <param name="Revived">The session had been marked expired (by the sweeper) and is live again.</param>
public sealed record RecordOutcome(StatusEntry Entry, bool BecameCurrent, SessionStatus? PreviousStatus, bool Revived)
{
    /// <summary>The session finished with this report: its current status moved from running to success or failed.</summary>
    public bool Finished => BecameCurrent && PreviousStatus == SessionStatus.Running && Entry.Status.IsTerminal();
}
