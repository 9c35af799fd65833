using Microsoft.EntityFrameworkCore;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>The smallest EF Core context that writes: one table of rows with unique titles (<see cref="WriteRetryTests"/>).</summary>
public sealed class WriteContext(DbContextOptions<WriteContext> options) : DbContext(options)
{
    public DbSet<WriteRow> Rows => Set<WriteRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<WriteRow>(row =>
        {
            row.ToTable("rows");
            row.Property(r => r.Id).HasColumnName("id");
            row.Property(r => r.Title).HasColumnName("title");
        });
}
