using KubeAgents.Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace KubeAgents.Infrastructure.Persistence.Configurations;

/// <param name="lengthFunction">The store's character-length function, for the check constraints.</param>
internal sealed class SessionConfiguration(string lengthFunction) : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> builder)
    {
        builder.ToTable("sessions", t =>
        {
            t.HasCheckConstraint("ck_sessions_topic_length", $"{lengthFunction}(topic) BETWEEN 1 AND {Session.MaxTopicLength}");
            t.HasCheckConstraint("ck_sessions_ttl_minutes", $"ttl_minutes BETWEEN 1 AND {Session.MaxTtlMinutes}");
            t.HasCheckConstraint("ck_sessions_current_status", $"current_status IN ({SessionStatusConverter.CheckList})");
        });
        builder.HasKey(s => s.Id);
        // How ids are generated is the store's (PostgreSQL: hi/lo blocks; SQLite: its rowid).
        builder.Property(s => s.Id).HasColumnName("id");
        builder.Property(s => s.AgentId).HasColumnName("agent_id");
        builder.Property(s => s.Topic).HasColumnName("topic").HasMaxLength(Session.MaxTopicLength);
        builder.Property(s => s.Created).HasColumnName("created");
        builder.Property(s => s.LastUpdated).HasColumnName("last_updated");
        builder.Property(s => s.TtlMinutes).HasColumnName("ttl_minutes");
        builder.Property(s => s.ExpiresAt).HasColumnName("expires_at");
        builder.Property(s => s.Expired).HasColumnName("expired");
        builder.Property(s => s.ExpiredAt).HasColumnName("expired_at");
        builder.Property(s => s.CurrentStatus).HasColumnName("current_status").HasConversion<SessionStatusConverter>().HasMaxLength(16);
        builder.Property(s => s.CurrentStatusAt).HasColumnName("current_status_at");
        builder.Property(s => s.FirstRunningAt).HasColumnName("first_running_at");

        builder.HasMany(s => s.History).WithOne(e => e.Session).HasForeignKey(e => e.SessionId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(s => s.History).UsePropertyAccessMode(PropertyAccessMode.Field);

        // The identity of a session; the target of the ingestion upsert.
        builder.HasIndex(s => new { s.AgentId, s.Topic }).IsUnique().HasDatabaseName("ux_sessions_agent_id_topic");
        // An agent's sessions, newest first.
        builder.HasIndex(s => new { s.AgentId, s.LastUpdated }).IsDescending(false, true).HasDatabaseName("ix_sessions_agent_id_last_updated");
        // The sweeper: live sessions whose TTL has passed.
        builder.HasIndex(s => s.ExpiresAt).HasFilter("NOT expired").HasDatabaseName("ix_sessions_expires_at_live");
        // An agent's active sessions (GET /api/agents counts them per listed agent): live ones only, so it stays small.
        builder.HasIndex(s => new { s.AgentId, s.ExpiresAt }, "ix_sessions_agent_id_expires_at_live").HasFilter("NOT expired");
        // Retention: sessions expired longest ago. Only expired sessions are in it, so a report does not update it.
        builder.HasIndex(s => s.ExpiresAt, "ix_sessions_expires_at_expired").HasFilter("expired");
    }
}
