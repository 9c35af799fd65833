using Microsoft.EntityFrameworkCore;
using Orders.Todos;

namespace Orders.Database;

/// <summary>
/// The service's one context type: over the pooled connection in the web process, over the direct one in
/// <c>migrate</c> and the worker (Program.cs, <c>AddFlyPostgres</c>).
/// One type for both keeps the migrations in one place: EF applies only the migrations whose
/// [DbContext] attribute names the exact context type it runs.
/// </summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
{
    public DbSet<Todo> Todos => Set<Todo>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Todo>(todo =>
        {
            todo.ToTable("todos");
            todo.Property(t => t.Id).HasColumnName("id");
            todo.Property(t => t.Title).HasColumnName("title").HasMaxLength(Todo.MaxTitleLength);
            todo.Property(t => t.Done).HasColumnName("done");
            todo.Property(t => t.CreatedAt).HasColumnName("created_at");
            todo.Property(t => t.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(Todo.MaxIdempotencyKeyLength);
            todo.HasIndex(t => t.IdempotencyKey).IsUnique();
        });
    }
}
