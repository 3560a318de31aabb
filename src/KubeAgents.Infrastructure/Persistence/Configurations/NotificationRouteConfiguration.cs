using KubeAgents.Domain.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace KubeAgents.Infrastructure.Persistence.Configurations;

/// <summary>The <c>notification_routes</c> table. Events are stored as their names, comma-separated (<c>finished,silent</c>).</summary>
internal sealed class NotificationRouteConfiguration(string lengthFunction) : IEntityTypeConfiguration<NotificationRoute>
{
    public void Configure(EntityTypeBuilder<NotificationRoute> builder)
    {
        builder.ToTable("notification_routes", t =>
        {
            t.HasCheckConstraint("ck_notification_routes_name_length", $"{lengthFunction}(name) BETWEEN 1 AND {NotificationRoute.MaxNameLength}");
            t.HasCheckConstraint("ck_notification_routes_events", "events <> ''");
        });
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(r => r.Name).HasColumnName("name").HasMaxLength(NotificationRoute.MaxNameLength);
        builder.Property(r => r.Channel).HasColumnName("channel").HasMaxLength(NotificationRoute.MaxChannelLength);
        builder.Property(r => r.Url).HasColumnName("url").HasMaxLength(NotificationRoute.MaxUrlLength);
        builder.Property(r => r.Secret).HasColumnName("secret").HasMaxLength(NotificationRoute.MaxSecretLength);
        builder.Property(r => r.AgentFilter).HasColumnName("agent_filter").HasMaxLength(NotificationRoute.MaxFilterLength);
        builder.Property(r => r.TopicFilter).HasColumnName("topic_filter").HasMaxLength(NotificationRoute.MaxFilterLength);
        builder.Property(r => r.Events).HasColumnName("events").HasMaxLength(64).HasConversion(new ValueConverter<NotificationEvents, string>(
            e => string.Join(',', NotificationEventNames.Names(e)),
            s => Parse(s)));
        builder.Property(r => r.CreatedAt).HasColumnName("created_at");
        builder.Property(r => r.UpdatedAt).HasColumnName("updated_at");
        builder.Ignore(r => r.MaskedUrl);

        builder.HasIndex(r => r.Name).IsUnique().HasDatabaseName("ux_notification_routes_name");
    }

    /// <summary>Internal, not private: the compiled models (<c>Persistence/&lt;Store&gt;/CompiledModel</c>) call it.</summary>
    internal static NotificationEvents Parse(string names) => names.Split(',').Aggregate(
        NotificationEvents.None, (all, name) => NotificationEventNames.TryParse(name, out var e) ? all | e : all);
}
