using KubeAgents.Application.Reports;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Persistence;

namespace KubeAgents.Infrastructure.Reports;

/// <summary>
/// The agents and sessions of one batch; a missing one is created on first use. What the batch
/// creates and changes is collected in <see cref="Rows"/> for the store to write.
/// </summary>
internal sealed class BatchTargets(Dictionary<string, Agent> agents, Dictionary<(string, string), Session> sessions)
{
    // Each row is written once, however many of the batch's reports touched it.
    private readonly HashSet<Agent> _touchedAgents = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<Session> _touchedSessions = new(ReferenceEqualityComparer.Instance);

    /// <summary>What the reports applied so far created and changed.</summary>
    public ReportBatchRows Rows { get; } = new();

    /// <summary>Two queries whatever the batch: the agents, held (<see cref="KubeAgentsDbContext.LockAgentsAsync"/>), and their sessions (<see cref="KubeAgentsDbContext.LoadSessionsAsync"/>).</summary>
    public static async Task<BatchTargets> LoadAsync(KubeAgentsDbContext db, IEnumerable<IncomingReport> reports)
    {
        var list = reports.ToList();
        var agentIds = list.Select(r => r.AgentId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var keys = list.Select(r => (r.AgentId, r.SessionTopic)).Distinct().ToList();
        var agents = (await db.LockAgentsAsync(agentIds, CancellationToken.None).ConfigureAwait(false))
            .ToDictionary(a => a.AgentId, StringComparer.Ordinal);
        var sessions = (await db.LoadSessionsAsync(keys, CancellationToken.None).ConfigureAwait(false))
            .ToDictionary(s => (s.AgentId, s.Topic));
        return new BatchTargets(agents, sessions);
    }

    /// <summary>Applies <paramref name="report"/> to its agent and session (created if missing) and records the rows it touched.</summary>
    public AppliedReport Apply(IncomingReport report)
    {
        var registered = false;
        if (!agents.TryGetValue(report.AgentId, out var agent))
        {
            agent = Agent.Register(report.AgentId, report.ReceivedAt);
            agents.Add(agent.AgentId, agent);
            Rows.AddedAgents.Add(agent);
            _touchedAgents.Add(agent);
            registered = true;
        }
        else if (_touchedAgents.Add(agent))
        {
            Rows.ChangedAgents.Add(agent);
        }

        if (!sessions.TryGetValue((report.AgentId, report.SessionTopic), out var session))
        {
            session = agent.OpenSession(report.SessionTopic, report.ReceivedAt);
            sessions.Add((session.AgentId, session.Topic), session);
            Rows.AddedSessions.Add(session);
            _touchedSessions.Add(session);
        }
        else if (_touchedSessions.Add(session))
        {
            Rows.ChangedSessions.Add(session);
        }

        var outcome = report.ApplyTo(agent, session);
        Rows.AddedEntries.Add(outcome.Entry);
        return new AppliedReport(agent, session, registered, outcome);
    }
}

/// <summary>A report applied: its agent and session, whether it registered the agent, and what it did to the session.</summary>
internal readonly record struct AppliedReport(Agent Agent, Session Session, bool Registered, RecordOutcome Outcome);
