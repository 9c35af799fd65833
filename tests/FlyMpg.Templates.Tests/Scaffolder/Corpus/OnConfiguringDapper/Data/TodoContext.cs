using Microsoft.EntityFrameworkCore;
using Todo.Api.Todos;

namespace Todo.Api.Data;

public class TodoContext : DbContext
{
    private readonly IConfiguration _configuration;

    public TodoContext(IConfiguration configuration)
    {
        _configuration = configuration;
    }

    public DbSet<TodoItem> Todos => Set<TodoItem>();

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.UseNpgsql(_configuration.GetConnectionString("Default"));

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<TodoItem>().Property(t => t.Title).HasMaxLength(200);
}
