using KubeAgents.Domain.ApiKeys;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace KubeAgents.Infrastructure.Persistence.Configurations;

/// <summary>The <c>api_keys</c> table: the prefix finds a key, the hash proves it; the key's text is never stored.</summary>
internal sealed class ApiKeyConfiguration(string lengthFunction) : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys", t =>
        {
            t.HasCheckConstraint("ck_api_keys_name_length", $"{lengthFunction}(name) BETWEEN 1 AND {ApiKey.MaxNameLength}");
            t.HasCheckConstraint("ck_api_keys_scopes", "scopes <> ''");
        });
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(k => k.Prefix).HasColumnName("prefix").HasMaxLength(ApiKeySecret.PrefixLength);
        builder.Property(k => k.Name).HasColumnName("name").HasMaxLength(ApiKey.MaxNameLength);
        builder.Property(k => k.Hash).HasColumnName("hash").HasMaxLength(ApiKeySecret.HashLength);
        builder.Property(k => k.Scopes).HasColumnName("scopes").HasMaxLength(32)
            .HasConversion(new ValueConverter<ApiScope, string>(s => ApiScopeNames.Join(s), s => ApiScopeNames.Split(s)));
        builder.Property(k => k.CreatedAt).HasColumnName("created_at");
        builder.Property(k => k.LastUsedAt).HasColumnName("last_used_at");
        builder.Property(k => k.RevokedAt).HasColumnName("revoked_at");
        builder.Ignore(k => k.IsRevoked);

        builder.HasIndex(k => k.Prefix).IsUnique().HasDatabaseName("ux_api_keys_prefix");
    }
}
