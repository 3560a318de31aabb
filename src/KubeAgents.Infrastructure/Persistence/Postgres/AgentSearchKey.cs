using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>
/// An agent's lowered id and name, what <c>search=</c> matches (<see cref="PostgresAgentSearch"/>). Written
/// by triggers on <c>agents</c> when an agent is registered or renamed (migration
/// <c>AgentSearchKeys</c>), never by a report: a trigram index on the agents table itself would take a
/// new entry per trigram on every report, since no report's update of the agent is HOT.
/// </summary>
internal sealed class AgentSearchKey
{
    public required string AgentId { get; init; }

    public required string IdKey { get; init; }

    public string? NameKey { get; init; }
}

internal sealed class AgentSearchKeyConfiguration : IEntityTypeConfiguration<AgentSearchKey>
{
    public void Configure(EntityTypeBuilder<AgentSearchKey> builder)
    {
        builder.ToTable("agent_search_keys");
        builder.HasKey(k => k.AgentId);
        builder.Property(k => k.AgentId).HasColumnName("agent_id").HasMaxLength(Domain.Agents.Agent.MaxIdLength);
        builder.Property(k => k.IdKey).HasColumnName("id_key");
        builder.Property(k => k.NameKey).HasColumnName("name_key");
        builder.HasOne<Domain.Agents.Agent>().WithOne().HasForeignKey<AgentSearchKey>(k => k.AgentId).OnDelete(DeleteBehavior.Cascade);
    }
}
