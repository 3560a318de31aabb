namespace KubeAgents.Application.Common.Interfaces;

/// <summary>Wakes this instance's notification dispatcher after a notification was committed, so it need not wait for its next poll.</summary>
public interface INotificationSignal
{
    void Notify();
}
