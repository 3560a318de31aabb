using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace KubeAgents.Infrastructure.Persistence.Configurations;

internal sealed class StatusEntryConfiguration : IEntityTypeConfiguration<StatusEntry>
{
    public void Configure(EntityTypeBuilder<StatusEntry> builder)
    {
        builder.ToTable("status_entries", t =>
            t.HasCheckConstraint("ck_status_entries_status", $"status IN ({SessionStatusConverter.CheckList})"));
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasColumnName("id");
        builder.Property(e => e.SessionId).HasColumnName("session_id");
        builder.Property(e => e.AgentId).HasColumnName("agent_id").HasMaxLength(Agent.MaxIdLength);
        builder.Property(e => e.Status).HasColumnName("status").HasConversion<SessionStatusConverter>().HasMaxLength(16);
        builder.Property(e => e.Timestamp).HasColumnName("timestamp");
        builder.Property(e => e.Message).HasColumnName("message").HasMaxLength(StatusEntry.MaxMessageLength);
        builder.Property(e => e.Content).HasColumnName("content").HasMaxLength(StatusEntry.MaxContentLength);
        builder.Property(e => e.ReceivedAt).HasColumnName("received_at");

        builder.HasOne<Agent>().WithMany().HasForeignKey(e => e.AgentId).OnDelete(DeleteBehavior.Cascade);

        // A session's history and an agent's history (and its latest status), newest first.
        builder.HasIndex(e => new { e.SessionId, e.Timestamp, e.Id }).IsDescending(false, true, true).HasDatabaseName("ix_status_entries_session_timeline");
        builder.HasIndex(e => new { e.AgentId, e.Timestamp, e.Id }).IsDescending(false, true, true).HasDatabaseName("ix_status_entries_agent_timeline");
        // Retention (HISTORY_RETENTION_DAYS): the oldest entries first, without reading the table.
        builder.HasIndex(e => e.ReceivedAt).HasDatabaseName("ix_status_entries_received_at");
    }
}
