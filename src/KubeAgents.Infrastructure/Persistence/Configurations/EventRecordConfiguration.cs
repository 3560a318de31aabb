using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace KubeAgents.Infrastructure.Persistence.Configurations;

internal sealed class EventRecordConfiguration : IEntityTypeConfiguration<EventRecord>
{
    public void Configure(EntityTypeBuilder<EventRecord> builder)
    {
        builder.ToTable("events", t => t.HasCheckConstraint(
            "ck_events_type",
            $"type IN ('{EventRecord.StatusType}', '{EventRecord.SessionExpiredType}', '{EventRecord.AgentRegisteredType}', '{EventRecord.SessionSilentType}')"));
        builder.HasKey(e => e.Id);
        // Numbered by the writer under the event lock (max + 1...), never by a sequence: a sequence
        // hands out numbers in the order transactions ask, not the order they commit.
        builder.Property(e => e.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(e => e.Type).HasColumnName("type").HasMaxLength(32);
        builder.Property(e => e.AgentId).HasColumnName("agent_id").HasMaxLength(Agent.MaxIdLength);
        builder.Property(e => e.AgentName).HasColumnName("agent_name").HasMaxLength(Agent.MaxNameLength);
        builder.Property(e => e.SessionTopic).HasColumnName("session_topic").HasMaxLength(Session.MaxTopicLength);
        builder.Property(e => e.Status).HasColumnName("status").HasConversion<SessionStatusConverter>().HasMaxLength(16);
        builder.Property(e => e.Timestamp).HasColumnName("timestamp");
        builder.Property(e => e.Message).HasColumnName("message").HasMaxLength(StatusEntry.MaxMessageLength);
        builder.Property(e => e.CurrentStatus).HasColumnName("current_status").HasConversion<SessionStatusConverter>().HasMaxLength(16);
        builder.Property(e => e.TtlMinutes).HasColumnName("ttl_minutes");
        builder.Property(e => e.OccurredAt).HasColumnName("occurred_at");
        // No foreign key: the log outlives nothing it names, and pruning is its own.
    }
}
