using Microsoft.EntityFrameworkCore;

namespace Billing.Api.Audit;

/// <summary>The audit trail, kept apart from billing's model and migrations.</summary>
public class AuditContext(DbContextOptions<AuditContext> options) : DbContext(options)
{
    public DbSet<AuditEntry> Entries => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<AuditEntry>().ToTable("AuditEntries");
}
