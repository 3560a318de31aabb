using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace KubeAgents.Infrastructure.Persistence.Configurations;

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.ToTable("notifications", t =>
        {
            t.HasCheckConstraint("ck_notifications_state", $"state IN ({NotificationStateConverter.CheckList})");
            t.HasCheckConstraint("ck_notifications_attempts", "attempts >= 0");
            t.HasCheckConstraint("ck_notifications_kind", $"kind IN ({NotificationKindConverter.CheckList})");
        });
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Id).HasColumnName("id").ValueGeneratedNever();
        // No foreign key: a deleted route's notifications stay as the operator's record (pending ones give up).
        builder.Property(n => n.RouteId).HasColumnName("route_id");
        // Rows queued before silent alerts existed are finished sessions.
        builder.Property(n => n.Kind).HasColumnName("kind").HasMaxLength(32).HasConversion<NotificationKindConverter>();
        builder.Property(n => n.QuietSince).HasColumnName("quiet_since");
        builder.Property(n => n.AgentId).HasColumnName("agent_id");
        builder.Property(n => n.AgentName).HasColumnName("agent_name").HasMaxLength(Agent.MaxNameLength);
        builder.Property(n => n.SessionTopic).HasColumnName("session_topic");
        builder.Property(n => n.PreviousStatus).HasColumnName("previous_status").HasConversion<SessionStatusConverter>().HasMaxLength(16);
        builder.Property(n => n.Status).HasColumnName("status").HasConversion<SessionStatusConverter>().HasMaxLength(16);
        builder.Property(n => n.RunningSince).HasColumnName("running_since");
        builder.Property(n => n.OccurredAt).HasColumnName("occurred_at");
        builder.Property(n => n.Message).HasColumnName("message").HasMaxLength(StatusEntry.MaxMessageLength);
        builder.Property(n => n.Content).HasColumnName("content").HasMaxLength(StatusEntry.MaxContentLength);
        // Only rows queued by a version that stored rendered text (see the NotificationFacts migration).
        builder.Property(n => n.LegacyText).HasColumnName("legacy_text");
        builder.Property(n => n.CreatedAt).HasColumnName("created_at");
        builder.Property(n => n.State).HasColumnName("state").HasMaxLength(16).HasConversion<NotificationStateConverter>();
        builder.Property(n => n.Attempts).HasColumnName("attempts");
        builder.Property(n => n.NextAttemptAt).HasColumnName("next_attempt_at");
        builder.Property(n => n.LastAttemptAt).HasColumnName("last_attempt_at");
        builder.Property(n => n.LastError).HasColumnName("last_error").HasMaxLength(Notification.MaxErrorLength);
        builder.Property(n => n.DeliveredAt).HasColumnName("delivered_at");
        // A result is saved only by the claimer that still holds the notification.
        builder.Property(n => n.ClaimToken).HasColumnName("claim_token").IsConcurrencyToken();
        builder.Property(n => n.ClaimedUntil).HasColumnName("claimed_until");

        // Kept when the agent is deleted: delivery state is an operator's record.
        builder.HasIndex(n => n.NextAttemptAt).HasFilter("state = 'pending'").HasDatabaseName("ix_notifications_due");
        builder.HasIndex(n => new { n.State, n.CreatedAt }).IsDescending(false, true).HasDatabaseName("ix_notifications_state_created_at");
        builder.HasIndex(n => n.CreatedAt).IsDescending().HasDatabaseName("ix_notifications_created_at");
        builder.HasIndex(n => new { n.AgentId, n.SessionTopic }).HasDatabaseName("ix_notifications_session");
    }
}
